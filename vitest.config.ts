import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 180_000,
    // native addon (better-sqlite3) and child processes: forks are the safe pool
    pool: 'forks',
  },
});
