import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { SerialPort } from 'serialport';
import { encodeButtonBoxMessage, HELLO_REQUEST, type ButtonBoxMessage } from '../feedback-buttons/button-box-codec.ts';
import { LineFramer } from '../feedback-buttons/line-framer.ts';
import { withHangupBinding } from '../transport/serial-transport.ts';

/**
 * The far end of a serial line behaving like a button box flashed with the README sketch: hello
 * on open and on `?`, one `P` line per press with its uptime. Used by tests, the benchmark, the
 * demo venue and `waitwell emulate buttons`.
 */
export interface ButtonsEmulatorOptions {
  /** The device end of the line, e.g. PtyPair.b. */
  path: string;
  baudRate?: number;
  firmware?: string;
  /** Append `*hh` checksums, as a box built with the checksum option does. */
  checksum?: boolean;
  /** Send the uptime field (default true); minimal sketches omit it. */
  uptime?: boolean;
  /** Heartbeat hello every this many ms; 0 = only at open and on request (default). */
  heartbeatMs?: number;
  /** Answer the host's `?` with a hello (default true; the README makes it optional for firmware). */
  answerHelloRequests?: boolean;
}

export type ButtonsEmulatorEvents = {
  /** A line the emulator sent, without its terminator. */
  sent: [line: string];
  /** The line dropped (unplugged: socat killed, or a hangup). */
  closed: [reason: string];
};

export const EMULATOR_FIRMWARE = 'waitwell-emulator/1';

export class ButtonsEmulator extends EventEmitter<ButtonsEmulatorEvents> {
  private readonly startedAt = performance.now();
  private readonly framer = new LineFramer();
  private heartbeat: NodeJS.Timeout | undefined;
  private isClosed = false;

  private constructor(
    private readonly port: SerialPort,
    private readonly options: ButtonsEmulatorOptions,
  ) {
    super();
    port.on('data', (chunk: Buffer) => {
      for (const frame of this.framer.feed(chunk)) {
        if (frame.kind === 'line' && frame.text.trim() === HELLO_REQUEST && options.answerHelloRequests !== false)
          this.hello().catch(() => undefined);
      }
    });
    port.on('close', (error: Error | null) => this.markClosed(error ? error.message : 'closed'));
    if (options.heartbeatMs) {
      this.heartbeat = setInterval(() => this.hello().catch(() => undefined), options.heartbeatMs);
      this.heartbeat.unref();
    }
  }

  static async open(options: ButtonsEmulatorOptions): Promise<ButtonsEmulator> {
    const port = new SerialPort(
      withHangupBinding({ path: options.path, baudRate: options.baudRate ?? 9600, autoOpen: false }),
    );
    port.on('error', () => undefined);
    await new Promise<void>((resolve, reject) =>
      port.open((error) =>
        error ? reject(new Error(`button emulator cannot open ${options.path}: ${error.message}`)) : resolve(),
      ),
    );
    const emulator = new ButtonsEmulator(port, options);
    await emulator.hello();
    return emulator;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Milliseconds since the emulated box "booted", like Arduino's millis(). */
  uptimeMs(): number {
    return Math.floor(performance.now() - this.startedAt);
  }

  press(button: number): Promise<void> {
    return this.send(
      this.options.uptime === false ? { type: 'press', button } : { type: 'press', button, uptimeMs: this.uptimeMs() },
    );
  }

  hello(): Promise<void> {
    const firmware = this.options.firmware ?? EMULATOR_FIRMWARE;
    return this.send(
      this.options.uptime === false
        ? { type: 'hello', firmware }
        : { type: 'hello', firmware, uptimeMs: this.uptimeMs() },
    );
  }

  /** Bytes outside the protocol: noise, half lines, a wrong baud rate's garbage. */
  sendRaw(bytes: Uint8Array | string): Promise<void> {
    return this.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes));
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    if (!this.port.isOpen) return;
    await new Promise<void>((resolve) => this.port.close(() => resolve()));
  }

  private async send(message: ButtonBoxMessage): Promise<void> {
    const bytes = encodeButtonBoxMessage(message, { checksum: this.options.checksum ?? false });
    await this.write(bytes);
    this.emit('sent', bytes.toString('latin1').trimEnd());
  }

  private write(bytes: Buffer): Promise<void> {
    if (this.isClosed) return Promise.reject(new Error(`button emulator: ${this.options.path} is closed`));
    return new Promise((resolve, reject) => this.port.write(bytes, (error) => (error ? reject(error) : resolve())));
  }

  private markClosed(reason: string): void {
    if (this.isClosed) return;
    this.isClosed = true;
    clearInterval(this.heartbeat);
    this.emit('closed', reason);
  }
}

/** A scripted session: press `button` after waiting `delayMs` since the previous step. */
export interface ScriptStep {
  button: number;
  delayMs: number;
}

/**
 * "1, 4@250, 2@3000": buttons separated by commas or spaces; `@ms` is the wait before that press
 * (default `gapMs`). Throws with the offending token.
 */
export function parseButtonScript(text: string, gapMs = 1000): ScriptStep[] {
  const steps: ScriptStep[] = [];
  for (const token of text.split(/[\s,]+/).filter(Boolean)) {
    const match = /^([1-9][0-9]?)(?:@([0-9]+))?$/.exec(token);
    if (!match) throw new Error(`button script: "${token}" is not <button> or <button>@<ms> (e.g. "1, 4@250, 2@3000")`);
    steps.push({ button: Number(match[1]), delayMs: match[2] === undefined ? gapMs : Number(match[2]) });
  }
  return steps;
}

/** Shares of buttons 1..4 (very unhappy .. very happy) seen on smiley terminals: most people are content. */
export const DEFAULT_PRESS_WEIGHTS: readonly number[] = [0.08, 0.14, 0.36, 0.42];

export interface RunButtonsEmulatorOptions extends ButtonsEmulatorOptions {
  /** Scripted presses (a ScriptStep list, or text for parseButtonScript). */
  script?: ScriptStep[] | string;
  /** Random presses at this mean rate (presses per minute, Poisson arrivals). */
  rate?: number;
  /** Stop after this many random presses (default: until aborted). */
  count?: number;
  /** Relative weight of each button, index 0 = button 1. */
  weights?: readonly number[];
  signal?: AbortSignal;
  random?: () => number;
  /** Called with each line sent, e.g. console.log for the CLI. */
  log?: (line: string) => void;
}

export function pickButton(weights: readonly number[], roll: number): number {
  const total = weights.reduce((sum, w) => sum + w, 0);
  let left = roll * total;
  for (let i = 0; i < weights.length; i += 1) {
    left -= weights[i]!;
    if (left < 0) return i + 1;
  }
  return weights.length;
}

/**
 * Runs a button box on `path` until the script ends, `count` random presses were sent, or
 * `signal` aborts; rejects when the line drops under it. Resolves with how many presses it sent.
 */
export async function runButtonsEmulator(options: RunButtonsEmulatorOptions): Promise<{ presses: number }> {
  if (options.script === undefined && options.rate === undefined)
    throw new Error('button emulator: give a script or a rate (presses per minute)');
  if (options.rate !== undefined && !(options.rate > 0))
    throw new Error(`button emulator: rate must be above 0 presses per minute, got ${options.rate}`);
  const steps = typeof options.script === 'string' ? parseButtonScript(options.script) : options.script;
  const random = options.random ?? Math.random;
  const emulator = await ButtonsEmulator.open(options);
  if (options.log) emulator.on('sent', options.log);
  const dropped = new AbortController();
  let dropReason = '';
  emulator.once('closed', (reason) => {
    dropReason = reason;
    dropped.abort();
  });
  const signal = options.signal ? AbortSignal.any([options.signal, dropped.signal]) : dropped.signal;
  let presses = 0;
  try {
    if (steps) {
      for (const step of steps) {
        await sleep(step.delayMs, undefined, { signal });
        await emulator.press(step.button);
        presses += 1;
      }
    } else {
      const meanGapMs = 60_000 / options.rate!;
      while (options.count === undefined || presses < options.count) {
        await sleep(-Math.log(1 - random()) * meanGapMs, undefined, { signal });
        await emulator.press(pickButton(options.weights ?? DEFAULT_PRESS_WEIGHTS, random()));
        presses += 1;
      }
    }
  } catch (error) {
    if (dropped.signal.aborted)
      throw new Error(`button emulator: the line ${options.path} dropped (${dropReason}) after ${presses} presses`);
    if (!signal.aborted) throw error;
  } finally {
    await emulator.close();
  }
  return { presses };
}
