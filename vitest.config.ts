import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// Tests import workspace packages from source so a change needs no rebuild.
const alias = {
  "@regradar/shared": src("./packages/shared/src/index.ts"),
  "@regradar/fetcher": src("./services/fetcher/src/index.ts"),
  "@regradar/extractor": src("./services/extractor/src/index.ts"),
  "@regradar/indexer": src("./services/indexer/src/index.ts"),
  "@regradar/alerter": src("./services/alerter/src/index.ts"),
};

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
