// The app of slim/ with crm-auth/slim: the settings the README gives for that entry.
export default {
  root: "slim",
  build: { target: "es2022" }, // top-level await (Vite 6's default target predates it)
  optimizeDeps: { exclude: ["crm-auth"] }, // keep the .wasm next to the module that loads it
};
