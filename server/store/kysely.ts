import { createRequire } from 'node:module';
import type * as KyselyModule from 'kysely';

/**
 * Kysely's values, from its CommonJS build: under tsx (bin/waitwell.mjs) each of the ESM build's
 * 280 modules goes through the off-thread loader, about 1.5 s of CPU at every start of a hub, a
 * kiosk or the CLI; the CommonJS build loads in about 0.3 s. Import its types from 'kysely'.
 */
const kysely = createRequire(import.meta.url)('kysely') as typeof KyselyModule;

export const { CompiledQuery, Kysely, PostgresDialect, SqliteDialect, sql } = kysely;
