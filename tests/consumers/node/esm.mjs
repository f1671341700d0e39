import { authorizeUrl } from "./url.js";
console.log(authorizeUrl());
