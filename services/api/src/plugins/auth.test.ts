import { describe, expect, test } from "vitest";
import { findKey } from "./auth.js";

const keys = [
  { name: "ci", scope: "read" as const, secret: "read-secret-0123456789" },
  { name: "ops", scope: "admin" as const, secret: "admin-secret-0123456789" },
];

describe("API keys", () => {
  test("a presented secret finds its key; anything else finds none", () => {
    expect(findKey(keys, "admin-secret-0123456789")?.name).toBe("ops");
    expect(findKey(keys, "read-secret-0123456789")?.scope).toBe("read");
    expect(findKey(keys, "admin-secret-012345678")).toBeNull();
    expect(findKey(keys, "")).toBeNull();
    expect(findKey([], "admin-secret-0123456789")).toBeNull();
  });
});
