import { EventEmitter } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { SerialTransport } from '../transport/serial-transport.ts';
import {
  AlphaCommandError,
  AlphaDecoder,
  parseAlphaCommand,
  renderTextBody,
  type AlphaFile,
  type AlphaFrame,
} from '../wait-display/alpha-codec.ts';
import { DmdScreenDecoder } from '../wait-display/dmd-codec.ts';

/**
 * The far end of a serial line (a pseudo-terminal) or a TCP listener, behaving like a wait
 * display: an Epson DM-D 2x20 customer display ('dmd') or an Alpha-protocol LED sign ('alpha').
 * It keeps its screen across unplugs, as a display with its own power supply does, and reopens
 * the line by itself when it comes back. Used by tests, the demo venue and
 * `waitwell emulate display`.
 */
export type DisplayKind = 'dmd' | 'alpha';

export interface DisplayEmulatorOptions {
  /** The device end of a serial line, e.g. PtyPair.b. */
  path?: string;
  /** Listen for TCP instead (0 = any free port; see `port`). */
  tcpPort?: number;
  /** Listening address; loopback by default. */
  host?: string;
  kind: DisplayKind;
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** Alpha: silence that ends a packet on a real sign (default 1000 ms). */
  packetTimeoutMs?: number;
}

interface DisplayProblem {
  reason: string;
  detail: string;
}

export interface DisplayCounters {
  /** Times the screen went blank: DM-D clear or initialize; Alpha TEXT rewrite or memory configuration. */
  blanks: number;
  /** Alpha: TEXT file writes (each restarts the sign's display). */
  textWrites: number;
  /** Alpha: STRING file writes (swapped in without blanking). */
  stringUpdates: number;
  /** Alpha: memory configurations (E$). */
  memoryConfigurations: number;
  /** Bytes or packets the display could not use. */
  problems: number;
  bytes: number;
}

export type DisplayEmulatorEvents = {
  /** The content changed: the 2 lines of a DM-D, or the sign's text (one entry per TEXT file shown). */
  change: [screen: string[]];
  problem: [problem: DisplayProblem];
  /** The line (pty) or a client (TCP) came or went. */
  connection: [connected: boolean, detail: string];
};

/** What the display does with bytes: one model per kind. */
interface DisplayModel {
  screen(): string[];
  feed(chunk: Buffer): void;
  /** The connection ended: a half command or packet will never be completed. */
  streamEnded(): void;
}

class DmdModel implements DisplayModel {
  private readonly decoder = new DmdScreenDecoder();

  constructor(private readonly emulator: DisplayEmulator) {}

  screen(): string[] {
    return this.decoder.lines();
  }

  feed(chunk: Buffer): void {
    // Blanks are counted by command rather than by comparing screens: a clear followed by the
    // same text is still a visible flash on a real VFD.
    const before = this.decoder.clears;
    for (const problem of this.decoder.feed(chunk)) this.emulator.problem(problem.reason, problem.bytes);
    this.emulator.counted.blanks += this.decoder.clears - before;
  }

  streamEnded(): void {
    this.decoder.resetStream();
  }
}

interface SignFile {
  type: AlphaFile['type'];
  size: number;
  content: Buffer;
}

/** A sign fresh from the factory holds one TEXT file, A. */
const FACTORY_FILES: [string, SignFile][] = [['A', { type: 'text', size: 0x100, content: Buffer.alloc(0) }]];

class AlphaModel implements DisplayModel {
  private readonly decoder = new AlphaDecoder();
  private files = new Map<string, SignFile>(FACTORY_FILES.map(([label, file]) => [label, { ...file }]));
  private quiet: NodeJS.Timeout | undefined;

  constructor(
    private readonly emulator: DisplayEmulator,
    private readonly packetTimeoutMs: number,
  ) {}

  screen(): string[] {
    const strings = new Map<string, string>();
    for (const [label, file] of this.files)
      if (file.type === 'string') strings.set(label, file.content.toString('latin1'));
    return [...this.files.values()]
      .filter((file) => file.type === 'text' && file.content.length > 0)
      .map((file) => renderTextBody(file.content, strings));
  }

  feed(chunk: Buffer): void {
    this.handle(this.decoder.feed(chunk));
    clearTimeout(this.quiet);
    this.quiet = setTimeout(() => this.emulator.safely(() => this.handle(this.decoder.reset())), this.packetTimeoutMs);
    this.quiet.unref();
  }

  streamEnded(): void {
    clearTimeout(this.quiet);
    this.handle(this.decoder.reset());
  }

  private handle(frames: AlphaFrame[]): void {
    for (const frame of frames) {
      if (frame.kind === 'error') {
        this.emulator.problem(frame.error.reason, frame.error.detail);
        continue;
      }
      for (const command of frame.packet.commands) {
        try {
          this.apply(parseAlphaCommand(command));
        } catch (error) {
          if (!(error instanceof AlphaCommandError)) throw error;
          this.emulator.problem(error.reason, error.message);
        }
      }
    }
  }

  private apply(action: ReturnType<typeof parseAlphaCommand>): void {
    const counted = this.emulator.counted;
    switch (action.type) {
      case 'memory-configuration':
        this.files = new Map(
          action.files.map((file) => [file.label, { type: file.type, size: file.size, content: Buffer.alloc(0) }]),
        );
        counted.memoryConfigurations += 1;
        counted.blanks += 1;
        return;
      case 'write-text': {
        const file = this.fileFor(action.label, 'text', 'A');
        if (!file) return;
        file.content = this.fit(action.label, file, action.body);
        counted.textWrites += 1;
        counted.blanks += 1;
        return;
      }
      case 'write-string': {
        const file = this.fileFor(action.label, 'string', 'G');
        if (!file) return;
        file.content = this.fit(action.label, file, Buffer.from(action.text, 'latin1'));
        counted.stringUpdates += 1;
        return;
      }
      case 'other':
        this.emulator.log(`sign: command ${action.code} (${action.data.length} bytes) accepted and ignored`);
        return;
    }
  }

  /** A real sign ignores writes to files its memory configuration does not have. */
  private fileFor(label: string, type: SignFile['type'], command: string): SignFile | undefined {
    const file = this.files.get(label);
    if (file?.type === type) return file;
    this.emulator.problem(
      'unallocated-file',
      `command ${command} wrote ${type.toUpperCase()} file "${label}", which the memory configuration ` +
        `does not hold as a ${type.toUpperCase()} file (files: ${[...this.files.keys()].join(', ') || 'none'})`,
    );
    return undefined;
  }

  private fit(label: string, file: SignFile, content: Buffer): Buffer {
    if (content.length <= file.size) return content;
    this.emulator.problem(
      'file-too-small',
      `file "${label}" holds ${file.size} bytes; ${content.length} were written, the rest is cut`,
    );
    return content.subarray(0, file.size);
  }
}

export class DisplayEmulator extends EventEmitter<DisplayEmulatorEvents> {
  /** Mutable counters, updated by the model; read them through `counters()`. */
  readonly counted: DisplayCounters = {
    blanks: 0,
    textWrites: 0,
    stringUpdates: 0,
    memoryConfigurations: 0,
    problems: 0,
    bytes: 0,
  };
  private readonly model: DisplayModel;
  private lastScreen: string;
  private serial: SerialTransport | undefined;
  private server: Server | undefined;
  private client: Socket | undefined;
  private listeningPort: number | undefined;
  private isClosed = false;

  constructor(private readonly options: DisplayEmulatorOptions) {
    super();
    this.model = options.kind === 'alpha' ? new AlphaModel(this, options.packetTimeoutMs ?? 1000) : new DmdModel(this);
    this.lastScreen = JSON.stringify(this.model.screen());
  }

  /** Current content: the two 20-character lines of a DM-D, or the sign's text with its strings substituted. */
  screen(): string[] {
    return this.model.screen();
  }

  counters(): DisplayCounters {
    return { ...this.counted };
  }

  get kind(): DisplayKind {
    return this.options.kind;
  }

  /** The TCP port listened on (useful with tcpPort 0). */
  get port(): number | undefined {
    return this.listeningPort;
  }

  /** Where a driver reaches this display: the device path, or host:port. */
  get where(): string {
    return this.options.path ?? `${this.options.host ?? '127.0.0.1'}:${this.listeningPort ?? this.options.tcpPort}`;
  }

  async open(): Promise<void> {
    const { path, tcpPort } = this.options;
    if ((path === undefined) === (tcpPort === undefined))
      throw new Error(
        'display emulator: give either a serial path (the far end of a pty) or a TCP port, not both or neither',
      );
    if (path !== undefined) await this.openSerial(path);
    else await this.listen(tcpPort!);
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    this.model.streamEnded();
    await this.serial?.close();
    this.client?.destroy();
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** @internal for the models */
  problem(reason: string, detail: string): void {
    this.counted.problems += 1;
    this.log(`problem: ${reason}: ${detail}`);
    this.emit('problem', { reason, detail });
  }

  /** @internal for the models */
  log(line: string): void {
    this.options.log?.(`display emulator (${this.options.kind}): ${line}`);
  }

  /** @internal a listener's or model's bug must not take the emulated device down */
  safely(work: () => void): void {
    try {
      work();
      this.checkChange();
    } catch (error) {
      this.log(`internal error: ${(error as Error).stack ?? String(error)}`);
    }
  }

  private receive(chunk: Buffer): void {
    this.counted.bytes += chunk.length;
    this.safely(() => this.model.feed(chunk));
  }

  private ended(detail: string): void {
    this.safely(() => this.model.streamEnded());
    this.emit('connection', false, detail);
    this.log(`disconnected: ${detail}`);
  }

  private checkChange(): void {
    const screen = this.model.screen();
    const key = JSON.stringify(screen);
    if (key === this.lastScreen) return;
    this.lastScreen = key;
    this.emit('change', screen);
  }

  private async openSerial(path: string): Promise<void> {
    // The emulated device reopens its end after an unplug, like the kiosk's transport does. A pty
    // ignores line settings, so the sign's 7E1 needs no emulating here.
    const serial = new SerialTransport({ path, baudRate: 9600, backoff: { baseMs: 50, maxMs: 500, jitter: 0.2 } });
    this.serial = serial;
    serial.on('data', (chunk) => this.receive(chunk));
    // Reported once per drop, not once per retry while the path is missing.
    let connected = false;
    serial.on('state', (state, reason) => {
      if (state === 'open') {
        connected = true;
        this.emit('connection', true, path);
        this.log(`line open: ${path}`);
      } else if (state === 'reconnecting' && connected) {
        connected = false;
        this.ended(`${path}: ${reason ?? 'line lost'}; waiting for it to come back`);
      }
    });
    await serial.open();
    if (serial.state !== 'open') this.log(`waiting for ${path} to appear`);
  }

  private async listen(port: number): Promise<void> {
    const host = this.options.host ?? '127.0.0.1';
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: Error & { code?: string }) =>
        reject(
          new Error(
            error.code === 'EADDRINUSE'
              ? `display emulator: ${host}:${port} is already in use; pick another port (0 = any free one)`
              : `display emulator cannot listen on ${host}:${port}: ${error.message}`,
          ),
        ),
      );
      server.listen(port, host, () => resolve());
    });
    server.on('error', (error) => this.log(`listener error: ${error.message}`));
    const address = server.address();
    this.listeningPort = typeof address === 'object' && address ? address.port : port;
    this.log(`listening on ${host}:${this.listeningPort}`);
  }

  /** One host at a time, as on a serial-to-Ethernet server: a new connection replaces a stale one. */
  private accept(socket: Socket): void {
    const where = `${socket.remoteAddress}:${socket.remotePort}`;
    if (this.client) {
      this.log(`new connection from ${where} replaces the previous one`);
      this.client.destroy();
    }
    this.client = socket;
    this.safely(() => this.model.streamEnded());
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      if (this.client === socket) this.receive(chunk);
    });
    socket.on('close', () => {
      if (this.client !== socket) return;
      this.client = undefined;
      this.ended(`${where} closed the connection`);
    });
    this.emit('connection', true, where);
    this.log(`connection from ${where}`);
  }
}

/**
 * Starts a display emulator and resolves once it listens (TCP) or has tried its line (pty);
 * it runs until `signal` aborts or `close()` is called.
 */
export async function runDisplayEmulator(options: DisplayEmulatorOptions): Promise<DisplayEmulator> {
  if (options.kind !== 'dmd' && options.kind !== 'alpha')
    throw new Error(
      `display emulator: kind must be "dmd" (Epson DM-D 2x20) or "alpha" (Alpha LED sign), ` +
        `got ${JSON.stringify(options.kind)}`,
    );
  const emulator = new DisplayEmulator(options);
  if (options.signal?.aborted) return emulator;
  await emulator.open();
  options.signal?.addEventListener('abort', () => void emulator.close(), { once: true });
  return emulator;
}
