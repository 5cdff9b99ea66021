import { vi } from 'vitest';

/**
 * Polls with vitest's own `vi.waitFor` until `check` returns a truthy value; the error says what
 * was awaited and what was last seen, which a bare timeout does not.
 */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  options: { timeoutMs?: number; intervalMs?: number; what: string },
): Promise<NonNullable<T>> {
  let last: unknown;
  try {
    return await vi.waitFor(
      async () => {
        try {
          last = await check();
        } catch (error) {
          last = error;
          throw error;
        }
        if (!last) throw new Error(`not yet: ${options.what}`);
        return last as NonNullable<T>;
      },
      { timeout: options.timeoutMs ?? 20_000, interval: options.intervalMs ?? 50 },
    );
  } catch {
    throw new Error(
      `timed out waiting for ${options.what}; ` +
        `last seen: ${String(last instanceof Error ? last.message : JSON.stringify(last))}`,
    );
  }
}
