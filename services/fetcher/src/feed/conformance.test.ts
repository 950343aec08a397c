import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { conformanceCases, runCase } from "./conformance/run-conformance.js";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "conformance", "cases");

// Issue 11: ≥ 99% of the translated feedparser suite overall and ≥ 99.5% of its sanitiser cases.
it("passes the translated feedparser conformance suite", () => {
  const results = conformanceCases(root).map((f) => runCase(f, root));
  const rate = (rs: typeof results) => (rs.length ? rs.filter((r) => r.passed).length / rs.length : 1);
  const sanitize = results.filter((r) => r.sanitize);
  const failed = results.filter((r) => !r.passed);
  console.log(
    `feedparser conformance: ${(rate(results) * 100).toFixed(1)}% of ${results.length} cases, ` +
      `sanitize ${(rate(sanitize) * 100).toFixed(1)}% of ${sanitize.length}` +
      failed.map((r) => `\n  FAIL ${r.name}: ${r.failures.join("; ")}`).join(""),
  );
  expect(results.length).toBeGreaterThan(0);
  expect(rate(results)).toBeGreaterThanOrEqual(0.99);
  expect(rate(sanitize)).toBeGreaterThanOrEqual(0.995);
});
