import { configDefaults, defineConfig } from 'vitest/config';

/** Unit tests sit beside their modules; integration tests (test/) start real processes and servers. */
const UNIT_TESTS = '{core,drivers,storage,kiosk,electron,server,renderer,bin}/**/*.test.{ts,tsx}';
/**
 * The long fault-injection tests (a 30-second outage, hub clusters killed mid-burst) run only in
 * `npm run test:chaos`, which sets WAITWELL_CHAOS; the short ones in test/ run in `npm test` too.
 */
const CHAOS_ONLY = process.env.WAITWELL_CHAOS ? [] : ['test/chaos/**'];

export default defineConfig({
  test: {
    // Integration tests spawn real processes and databases; give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: [UNIT_TESTS] } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.{ts,tsx}'],
          exclude: [...configDefaults.exclude, ...CHAOS_ONLY],
          globalSetup: ['test/global-setup.ts'],
        },
      },
    ],
  },
});
