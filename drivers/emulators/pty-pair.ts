import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A serial cable without hardware: socat joins two pseudo-terminals, each reachable through a
 * symlink. The kiosk opens one end as its "device", an emulator the other. Killing socat is an
 * unplug (both ends fail, the links vanish); starting it again with the same link names is the
 * replug, exactly what a USB serial device looks like to the port.
 */
export class SocatMissingError extends Error {
  constructor() {
    super(
      'socat is not installed; it provides the pseudo-terminal pairs that stand in for serial cables: ' +
        'apt-get install -y socat',
    );
    this.name = 'SocatMissingError';
  }
}

export interface PtyPairOptions {
  /** Link paths; default two fresh names in a new temporary folder. */
  a?: string;
  b?: string;
  /** How long socat may take to create both ends. */
  timeoutMs?: number;
  /** The socat executable (default from PATH). */
  command?: string;
}

export class PtyPair {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private readonly killOnExit = () => this.child?.kill('SIGKILL');

  private constructor(
    readonly a: string,
    readonly b: string,
    private readonly ownDir: string | undefined,
    private readonly timeoutMs: number,
    private readonly command: string,
  ) {}

  static async create(options: PtyPairOptions = {}): Promise<PtyPair> {
    let ownDir: string | undefined;
    if (options.a === undefined || options.b === undefined) ownDir = mkdtempSync(join(tmpdir(), 'waitwell-pty-'));
    const pair = new PtyPair(
      options.a ?? join(ownDir!, 'kiosk'),
      options.b ?? join(ownDir!, 'device'),
      ownDir,
      options.timeoutMs ?? 10_000,
      options.command ?? 'socat',
    );
    try {
      await pair.plug();
    } catch (error) {
      await pair.dispose();
      throw error;
    }
    return pair;
  }

  /** False after unplug(), and after socat ended by itself (it does when either end is closed). */
  get plugged(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts socat (again) with the same link names; resolves once both ends can be opened. */
  async plug(): Promise<void> {
    if (this.plugged) return;
    await this.unplug();
    // Links left by a socat that was SIGKILLed would make the new pair ambiguous.
    rmSync(this.a, { force: true });
    rmSync(this.b, { force: true });
    const child = spawn(this.command, ['-d', '-d', `pty,raw,echo=0,link=${this.a}`, `pty,raw,echo=0,link=${this.b}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child = child;
    // A spawn failure emits 'error' and no 'exit'; later errors (a failed kill) must not crash.
    this.exited = new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.once('error', () => resolve());
    });
    child.on('error', () => undefined);
    process.once('exit', this.killOnExit);
    try {
      await this.ready(child);
    } catch (error) {
      await this.unplug();
      throw error;
    }
  }

  /** Kills socat: both ends see the line drop, and the link paths disappear. */
  async unplug(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    process.off('exit', this.killOnExit);
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await this.exited;
    rmSync(this.a, { force: true });
    rmSync(this.b, { force: true });
  }

  async dispose(): Promise<void> {
    await this.unplug();
    if (this.ownDir) rmSync(this.ownDir, { recursive: true, force: true });
  }

  private ready(child: ChildProcess): Promise<void> {
    return new Promise((resolve, reject) => {
      let output = '';
      const timer = setTimeout(
        () =>
          finish(
            new Error(
              `socat did not create ${this.a} and ${this.b} within ${this.timeoutMs} ms; it said: ${output.trim()}`,
            ),
          ),
        this.timeoutMs,
      );
      const finish = (error?: Error) => {
        clearTimeout(timer);
        child.stderr!.off('data', onOutput);
        child.off('error', onError);
        child.off('exit', onExit);
        if (error) return reject(error);
        // Keep draining socat's log so it can never block on a full pipe.
        child.stderr!.resume();
        resolve();
      };
      // socat logs this once both pseudo-terminals and their links exist.
      const onOutput = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (output.includes('starting data transfer loop') && existsSync(this.a) && existsSync(this.b)) finish();
      };
      const onError = (error: Error & { code?: string }) =>
        finish(error.code === 'ENOENT' ? new SocatMissingError() : error);
      const onExit = (code: number | null) =>
        finish(new Error(`socat exited (code ${code}) before the pair was ready: ${output.trim()}`));
      child.stderr!.on('data', onOutput);
      child.once('error', onError);
      child.once('exit', onExit);
    });
  }
}

export function createPtyPair(options?: PtyPairOptions): Promise<PtyPair> {
  return PtyPair.create(options);
}
