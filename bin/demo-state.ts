import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * What the demo keeps between runs in its data folder, so links people saved still work after a
 * restart: the hub's port and the board token (a TV left on yesterday's board link), and each
 * kiosk's screen port.
 */
const demoStateSchema = z.object({
  hubPort: z.number().int().min(1).max(65535).optional(),
  boardToken: z.string().min(1).optional(),
  kioskPorts: z.record(z.string(), z.number().int().min(1).max(65535)).default({}),
});

export type DemoState = z.infer<typeof demoStateSchema>;

const FILE = 'demo.json';

/** The saved state, or an empty one when there is none or it cannot be read (the demo then starts afresh). */
export function loadDemoState(dataDir: string, log: (line: string) => void): DemoState {
  const file = join(dataDir, FILE);
  if (!existsSync(file)) return { kioskPorts: {} };
  try {
    return demoStateSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (error) {
    log(`${file} is not readable (${(error as Error).message}); the demo gets a new board link and ports`);
    return { kioskPorts: {} };
  }
}

/** Readable by you only: the board token opens the venue's live board. */
export function saveDemoState(dataDir: string, state: DemoState): void {
  writeFileSync(join(dataDir, FILE), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}
