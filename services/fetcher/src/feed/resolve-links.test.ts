import { describe, expect, it } from "vitest";
import { isUnsafeUrl, urljoin } from "./resolve-links.js";

describe("urljoin", () => {
  // RFC 3986 §5.4.1 normal examples.
  const base = "http://a/b/c/d;p?q";
  it.each([
    ["g:h", "g:h"], ["g", "http://a/b/c/g"], ["./g", "http://a/b/c/g"], ["g/", "http://a/b/c/g/"], ["/g", "http://a/g"],
    ["//g", "http://g"], ["?y", "http://a/b/c/d;p?y"], ["g?y", "http://a/b/c/g?y"], ["#s", "http://a/b/c/d;p?q#s"],
    ["g#s", "http://a/b/c/g#s"], [";x", "http://a/b/c/;x"], ["", "http://a/b/c/d;p?q"], [".", "http://a/b/c/"],
    ["..", "http://a/b/"], ["../g", "http://a/b/g"], ["../..", "http://a/"], ["../../g", "http://a/g"], ["../../../g", "http://a/g"],
  ])("%s", (ref, expected) => {
    expect(urljoin(base, ref)).toBe(expected);
  });

  it("leaves absolute references and base-less references exactly as written", () => {
    expect(urljoin("http://example.com/", "http://www.EXAMPLE.org/thing")).toBe("http://www.EXAMPLE.org/thing");
    expect(urljoin(null, "/relative")).toBe("/relative");
    expect(urljoin("http://example.com/a/", "ünïcode/päth")).toBe("http://example.com/a/ünïcode/päth");
  });

  it("spots script-capable schemes", () => {
    expect(isUnsafeUrl("javascript:alert(1)")).toBe(true);
    expect(isUnsafeUrl(" JaVa\tScRiPt:alert(1)")).toBe(true);
    expect(isUnsafeUrl("data:text/html,x")).toBe(true);
    expect(isUnsafeUrl("http://example.com/javascript:")).toBe(false);
  });
});
