import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { KioskStatus } from '../../kiosk/runtime.ts';
import { freePort } from '../../bin/free-port.ts';

const WAITWELL = join(import.meta.dirname, '..', '..', 'bin', 'waitwell.mjs');

export interface RunningProcess {
  child: ChildProcess;
  output: string[];
  /** Resolves with the first output line matching `pattern` (already printed or still to come). */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Runs the real `waitwell` executable as a child process, collecting its output line by line. */
export function spawnWaitwell(args: string[], env: NodeJS.ProcessEnv = {}): RunningProcess {
  const child = spawn(process.execPath, [WAITWELL, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const waiters: { pattern: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  const onChunk = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      output.push(line);
      for (const waiter of [...waiters]) {
        const match = line.match(waiter.pattern);
        if (match) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(match);
        }
      }
    }
  };
  child.stdout!.on('data', onChunk);
  child.stderr!.on('data', onChunk);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output,
    exited,
    waitForLine(pattern, timeoutMs = 20_000) {
      for (const line of output) {
        const match = line.match(pattern);
        if (match) return Promise.resolve(match);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms; output:\n${output.join('\n')}`)),
          timeoutMs,
        );
        waiters.push({
          pattern,
          resolve: (match) => {
            clearTimeout(timer);
            resolve(match);
          },
        });
      });
    },
    async kill(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
  };
}

/** A `waitwell kiosk` process started from a configuration file, once its screen API answers. */
export async function startKioskProcess(configFile: string): Promise<{ process: RunningProcess; localUrl: string }> {
  const child = spawnWaitwell(['kiosk', '--config', configFile]);
  // A process loading the TypeScript sources through tsx can take 20 s to start on a busy 2-core machine.
  const [, localUrl] = await child.waitForLine(/screen API at (http:\/\/127\.0\.0\.1:\d+)/, 60_000);
  return { process: child, localUrl: localUrl! };
}

/** What a kiosk process says about itself on its screen API. */
export async function kioskStatus(localUrl: string): Promise<KioskStatus> {
  const response = await fetch(`${localUrl}/local/status`);
  return (await response.json()) as KioskStatus;
}

/**
 * A `waitwell hub` process over one store on one port, to kill and start again: the kiosks keep
 * the address, as they would a venue's hub machine. `start` resolves with how long it took to listen.
 */
export async function restartableHub(
  store: string,
  cleanups: (() => Promise<void> | void)[],
  extraArgs: string[] = [],
): Promise<{ url: string; port: number; start(): Promise<number>; kill(signal: NodeJS.Signals): Promise<void> }> {
  const port = await freePort();
  let hub: RunningProcess | undefined;
  cleanups.push(() => hub?.kill('SIGKILL'));
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    async start() {
      const started = Date.now();
      hub = spawnWaitwell(['hub', '--store', store, '--port', String(port), ...extraArgs]);
      await hub.waitForLine(/waitwell hub listening on/, 60_000);
      return Date.now() - started;
    },
    kill: async (signal) => hub?.kill(signal),
  };
}
