import pg from 'pg';

/**
 * Runs SQL on the PostgreSQL at `url` outside any store, on a connection of its own. Free of
 * vitest, so benchmarks use it too; tests call fixtures.ts withPostgres (the test run's server).
 */
export async function withPostgresAt<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
