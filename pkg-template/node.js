// Node: compile the wasm synchronously from the file next to this one.
import { readFileSync } from "node:fs";
import { initSync } from "./crm_auth.js";
import { finishInit } from "./setup.js";

initSync({ module: readFileSync(new URL("./crm_auth_bg.wasm", import.meta.url)) });
finishInit();

export * from "./api.js";
