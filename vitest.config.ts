import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      '{core,drivers,storage,kiosk,electron,server,renderer,bin}/**/*.test.{ts,tsx}',
      'test/**/*.test.{ts,tsx}',
    ],
    // Integration tests spawn real processes and databases; give them room on a 2-core machine.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
