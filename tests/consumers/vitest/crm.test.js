import { expect, test } from "vitest";
import { CrmAuthError } from "crm-auth";
import { authorizeUrl } from "./url.js";

test("authorize URL from crm-auth", () => {
  const url = authorizeUrl();
  expect(url).toMatch(/^https:\/\/.*code_challenge_method=S256/);
  expect(CrmAuthError.prototype).toBeInstanceOf(Error);
  console.log(url);
});
