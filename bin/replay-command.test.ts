import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, vi } from 'vitest';
import { type Cleanup, test } from '../test/support/test-fixtures.ts';
import { replayCommand } from './replay-command.ts';
import { simulateCommand } from './simulate-command.ts';

/** What a command printed with console.log, and to stderr. */
function captured(cleanups: Cleanup[]) {
  cleanups.push(() => {
    vi.restoreAllMocks();
  });
  const out: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  return out;
}

const scenario = {
  name: 'tiny',
  seed: 2,
  hours: 2,
  services: [
    { id: 'A', serviceMin: { mean: 4, cv: 0.5 } },
    { id: 'B', serviceMin: { mean: 7, cv: 0.5 } },
  ],
  counters: [
    { id: 'c1', services: ['A', 'B'], open: [[0, 120]] },
    { id: 'c2', services: ['A'], open: [[0, 120]] },
  ],
  arrivals: [
    { service: 'A', from: 0, to: 100, perHour: 18 },
    { service: 'B', from: 0, to: 100, perHour: 5 },
  ],
  patienceMin: { mean: 40 },
};

describe('waitwell simulate --log, then waitwell replay', () => {
  test('replays the log simulate wrote: the same tickets, scored per service and hour', async ({ cleanups, dir }) => {
    const scenarioFile = join(dir, 'tiny.json');
    const logFile = join(dir, 'tiny.csv');
    writeFileSync(scenarioFile, JSON.stringify(scenario));
    const out = captured(cleanups);
    await simulateCommand.run({ log: logFile, json: true, seeds: '2' }, [scenarioFile]);
    const simulated = JSON.parse(out.pop()!) as { tickets: number; served: number; perSeed: unknown[] };
    expect(simulated.perSeed).toHaveLength(2);
    await replayCommand.run({ json: true }, [logFile]);
    const replayed = JSON.parse(out.pop()!) as {
      days: number;
      tickets: number;
      served: number;
      perService: Array<{ service: string }>;
    };
    expect(replayed).toMatchObject({ days: 2, tickets: simulated.tickets, served: simulated.served });
    expect(replayed.perService.map((s) => s.service).sort()).toEqual(['A', 'B']);
    await replayCommand.run({}, [logFile]);
    const human = out.pop()!;
    expect(human).toContain('2 days');
    expect(human).toMatch(/\nhour +tickets/);
  });

  test('says what is wrong with a log and where to read the format', async ({ cleanups, dir }) => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, 'number,service,time\nA-1,A,10:00\n');
    captured(cleanups);
    const error = await replayCommand.run({}, [file]).catch((e: Error) => e);
    expect(String(error)).toMatch(
      /line 1 must be the header .*missing: ticket, joined, called, ended, outcome, counter\./,
    );
    expect(String(error)).toContain('The format is in README.md, "Ticket logs".');
    await expect(replayCommand.run({}, [join(dir, 'missing.csv')])).rejects.toThrow(/cannot read the log .*ENOENT/);
    writeFileSync(file, 'ticket,service,segment,joined,called,ended,outcome,counter\n');
    await expect(replayCommand.run({}, [file])).rejects.toThrow('the log has no valid row');
  });
});
