import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Process-spawning suites (crash, concurrency, differential) share 2 cores in CI.
    maxWorkers: 2,
    // Every cairn the tests start evaluates its recipes (what most of them test); the evaluation
    // cache's own tests (test/cli/eval-cache.test.ts) turn it back on.
    env: { CAIRN_EVAL_CACHE: "0" },
    reporters: ["default", ["json", { outputFile: "test-report.json" }]],
  },
});
