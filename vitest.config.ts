import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Process-spawning suites (crash, concurrency, differential) share 2 cores in CI.
    maxWorkers: 2,
    reporters: ["default", ["json", { outputFile: "test-report.json" }]],
  },
});
