import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Tests import workspace packages from source so a change needs no rebuild; subpaths
// ("@regradar/fetcher/feed") map through each package's exports to the same source files.
const subpaths: Record<string, string> = {
  "@regradar/shared/text-decoding": "./packages/shared/src/text-decoding.ts",
  "@regradar/shared/domain": "./packages/shared/src/domain.ts",
  "@regradar/fetcher/feed": "./services/fetcher/src/feed/parse-feed.ts",
  "@regradar/extractor/article": "./services/extractor/src/article/extract-article.ts",
  "@regradar/extractor/mentions": "./services/extractor/src/mentions/index.ts",
};
const packages: Record<string, string> = {
  "@regradar/shared": "./packages/shared/src/index.ts",
  "@regradar/fetcher": "./services/fetcher/src/index.ts",
  "@regradar/extractor": "./services/extractor/src/index.ts",
  "@regradar/indexer": "./services/indexer/src/index.ts",
  "@regradar/store": "./packages/store/src/index.ts",
  "@regradar/alerter": "./services/alerter/src/index.ts",
  "@regradar/api": "./services/api/src/index.ts",
};
const alias = Object.entries({ ...subpaths, ...packages }).map(([name, file]) => ({
  find: new RegExp(`^${name.replace(/[/]/g, "\\/")}$`),
  replacement: src(file),
}));

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["{packages,services}/*/src/**/*.test.ts", "test/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "**/node_modules/**", "**/dist/**"],
        },
      },
      {
        resolve: { alias },
        test: {
          name: "int",
          include: ["{packages,services}/*/src/**/*.int.test.ts", "test/**/*.int.test.ts"],
          exclude: ["**/node_modules/**", "**/dist/**"],
          globalSetup: ["test/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
