/**
 * Benchmark runner: `npm run bench -- <name> [--json] [--key value ...]`.
 * Progress goes to stderr; the result is one JSON object on the last line of stdout, so scripts
 * can read it with `tail -n 1`.
 */

/** Every benchmark module exports this as its default. */
export type Benchmark = (
  options: Record<string, string>,
  log: (line: string) => void,
) => Promise<Record<string, unknown>>;

const BENCHMARKS: Record<string, { summary: string; load: () => Promise<{ default: Benchmark }> }> = {
  sync: {
    summary:
      'kiosk SQLite -> outbox -> socket.io -> hub SQLite: throughput vs raw SQLite, then latency at a fixed rate',
    load: () => import('./sync.ts'),
  },
  catchup: {
    summary: 'one kiosk with 100,000 stored unsent events drains into the hub',
    load: () => import('./catchup.ts'),
  },
  devices: {
    summary: 'devices and screens: press-to-event and render latency (bench/devices.ts)',
    // Loaded only when asked for, so the other benchmarks run even if this module fails to load.
    load: () => import('./devices.ts'),
  },
  analytics: {
    summary: 'the touchpoint x segment report over 1,000,000 stored presses on SQLite',
    load: () => import('./analytics.ts'),
  },
  hub: {
    summary:
      '5000 kiosk and 50 board connections to one hub; presses at a fixed rate, kiosk -> board latency, hub memory',
    load: () => import('./hub.ts'),
  },
  estimator: {
    summary: 'posted waits against the targets over the shipped scenarios with other seeds and random unseen venues',
    load: () => import('./estimator.ts'),
  },
  capacity: {
    summary: 'the highest press rate one SQLite hub and two clustered hubs sustain at p99 under 250 ms, by steps',
    load: () => import('./capacity.ts'),
  },
  replay: {
    summary: 'waitwell replay over a month of a busy venue (about 40,000 tickets): time and figures',
    load: () => import('./replay.ts'),
  },
  history: {
    summary:
      "a venue's queue after 30 days: the hub's restart from the whole log, and one ticket's cost on the last day",
    load: () => import('./history.ts'),
  },
  cluster: {
    summary: 'the same over two hubs on PostgreSQL and Redis, with the kiosk on hub A -> board on hub B latency',
    load: () => import('./cluster.ts'),
  },
};

function usage(): string {
  const names = Object.entries(BENCHMARKS).map(([name, { summary }]) => `  ${name.padEnd(8)} ${summary}`);
  return `usage: npm run bench -- <name> [--json] [--key value ...]\nbenchmarks:\n${names.join('\n')}`;
}

/** `--key value` pairs and bare `--flag`s (value "true"); anything else is a mistake worth stopping for. */
export function parseArguments(args: readonly string[]): {
  name: string | undefined;
  json: boolean;
  options: Record<string, string>;
} {
  const [name, ...rest] = args;
  const options: Record<string, string> = {};
  let json = false;
  for (let i = 0; i < rest.length; i += 1) {
    const arg = rest[i]!;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument "${arg}": options are --key value`);
    const key = arg.slice(2);
    if (key === 'json') {
      json = true;
      continue;
    }
    const value = rest[i + 1];
    if (value === undefined || value.startsWith('--')) {
      options[key] = 'true';
    } else {
      options[key] = value;
      i += 1;
    }
  }
  return { name: name?.startsWith('--') ? undefined : name, json, options };
}

function isMissingModule(error: unknown, name: string): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || /Cannot find module/.test(message ?? '')) &&
    (message ?? '').includes(`${name}.ts`)
  );
}

function summarize(result: Record<string, unknown>): string {
  return Object.entries(result)
    .filter(([, value]) => typeof value !== 'object' || value === null)
    .map(([key, value]) => `  ${key.padEnd(22)} ${String(value)}`)
    .join('\n');
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseArguments>;
  try {
    parsed = parseArguments(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage()}`);
    return 2;
  }
  const { name, json, options } = parsed;
  const entry = name ? BENCHMARKS[name] : undefined;
  if (!name || !entry) {
    console.error(`${name ? `unknown benchmark "${name}"` : 'which benchmark?'}\n${usage()}`);
    return 2;
  }
  let benchmark: Benchmark;
  try {
    benchmark = (await entry.load()).default;
  } catch (error) {
    if (isMissingModule(error, name)) {
      console.error(`benchmark "${name}" is listed but its module bench/${name}.ts is missing from this checkout`);
      return 2;
    }
    throw error;
  }
  const started = Date.now();
  const log = (line: string) => console.error(`[${name} +${((Date.now() - started) / 1000).toFixed(1)}s] ${line}`);
  const result = await benchmark(options, log);
  if (!json) console.log(`${name}:\n${summarize(result)}`);
  console.log(JSON.stringify({ bench: name, ...result }));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`benchmark failed: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
