import { describe, expect, it } from "vitest";
import { parseRetryAfter } from "./retry-after.js";

const now = new Date("2026-11-26T10:00:00Z");

describe("parseRetryAfter", () => {
  it("reads delay-seconds", () => {
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
  });

  it("reads an HTTP-date relative to now", () => {
    expect(parseRetryAfter("Thu, 26 Nov 2026 10:01:30 GMT", now)).toBe(90_000);
  });

  it("never returns a negative wait for a date in the past", () => {
    expect(parseRetryAfter("Thu, 26 Nov 2026 09:00:00 GMT", now)).toBe(0);
  });

  it.each([[undefined], [""], ["soon"], ["-5"], ["1.5"]])("returns null for %j", (value) => {
    expect(parseRetryAfter(value, now)).toBeNull();
  });
});
