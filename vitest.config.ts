import { defineConfig } from 'vitest/config';

// Unit tests sit beside the module they test; tests that start real peers live in test/.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{lineage,pipeline,telemetry,cmp-plugin,rollouts-metric-plugin,cli}/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'peers',
          include: ['test/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 600_000,
          // Peers (Go harnesses, Prometheus, kustomize, helm) are heavy on a 2-core machine.
          fileParallelism: false,
        },
      },
    ],
  },
});
