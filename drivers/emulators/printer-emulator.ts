import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { SerialPort } from 'serialport';
import {
  encodeAsb,
  encodePaperStatus,
  encodeRealtimeReply,
  GOOD_CONDITION,
  type PrinterCondition,
} from '../ticket-printer/escpos-status.ts';
import type { PrinterModel } from '../ticket-printer/printer-models.ts';
import { withHangupBinding } from '../transport/serial-transport.ts';
import {
  EscposDecoder,
  type EscposEvent,
  type MultibyteEncoding,
  type PrintedLine,
  type RasterImage,
} from './escpos-decoder.ts';

/**
 * The far end of a pseudo-terminal or a TCP socket behaving like an Epson thermal printer: it
 * prints what it receives into text and PNG images, answers DLE EOT 1-4 as bytes arrive (like a
 * printer, even while offline, and even when the bytes happen to sit inside image data), sends
 * automatic status back when the host enabled it, and can be told to run out of paper (at once
 * or after N more bytes, i.e. mid-ticket), open its cover, go offline, and be refilled. While it
 * cannot print, data waits in its buffer and prints after the fix, as a real printer's does.
 * Used by tests, the demo venue and `waitwell emulate printer`.
 */
export interface PrintedImage {
  width: number;
  height: number;
  command: RasterImage['command'];
  /** PNG with a white margin (the paper around the image), ready for zbarimg. */
  png: Buffer;
  file?: string;
}

export interface PrintedTicket {
  /**
   * 1-based, in order of printing. With an outDir, numbered on from the tickets already saved there,
   * so a restarted emulator never overwrites an earlier run's tickets.
   */
  index: number;
  lines: PrintedLine[];
  /** The lines joined by "\n", image positions marked "[image WxH]". */
  text: string;
  images: PrintedImage[];
  /** False for a ticket still open when the link dropped. */
  cut: boolean;
  /** Paper ran out (or the cover opened) while this ticket was printing. */
  interrupted: boolean;
  /** Commands received since the previous ticket, by name ("GS v 0": 2). */
  commands: Record<string, number>;
  /** GS W print areas set, in dots. */
  printAreas: { left: number; width: number }[];
  /** Commands the emulated model prints as garbage (its `mishandles`), in order. */
  mishandled: string[];
  textFile?: string;
}

export type PrinterEngineEvents = {
  /** Bytes the printer sends to the host (replies, automatic status). */
  output: [bytes: Buffer];
  line: [line: PrintedLine];
  ticket: [ticket: PrintedTicket];
  condition: [condition: PrinterCondition];
  /** Something the decoder did not know, for logs. */
  unknown: [bytes: number[]];
  /** A command the emulated model is reported to print as garbage. */
  mishandled: [command: string];
};

export interface PrinterEngineOptions {
  outDir?: string;
  /** The model to play: its resident font decodes multi-byte text (none: FS & is ignored), and the commands it
   * mishandles are reported. */
  model?: PrinterModel;
  /** Without a model: what FS & text decodes as (default 'auto', escpos-decoder.ts). */
  multibyte?: MultibyteEncoding | 'auto';
  /** Margin of paper around saved images, in dots (default 16: zbarimg wants a quiet zone). */
  imageMargin?: number;
}

/** What a model's multi-byte mode decodes as: its first CJK font, or none. */
function multibyteOf(model: PrinterModel): MultibyteEncoding | 'none' {
  for (const font of model.fonts) {
    if (font === 'ks-x-1001') return 'euc-kr';
    if (font === 'gb18030') return 'gb18030';
    if (font === 'big5') return 'big5';
  }
  return 'none';
}

const PAGE_REALTIME = 0x10;
const EOT = 0x04;

function rasterToPng(image: RasterImage, margin = 16): Buffer {
  const png = new PNG({ width: image.width + margin * 2, height: image.height + margin * 2 });
  png.data.fill(0xff);
  const bytesPerRow = (image.width + 7) >> 3;
  for (let y = 0; y < image.height; y += 1) {
    for (let x = 0; x < image.width; x += 1) {
      if (!(image.bits[y * bytesPerRow + (x >> 3)]! & (0x80 >> (x & 7)))) continue;
      const i = ((y + margin) * png.width + (x + margin)) * 4;
      png.data[i] = 0;
      png.data[i + 1] = 0;
      png.data[i + 2] = 0;
    }
  }
  return PNG.sync.write(png);
}

const SAVED_TICKET = /^ticket-(\d+)(?:-image-\d+\.png|\.txt)$/;

/** The highest ticket number saved in `dir` (0 when none). */
function lastSavedTicket(dir: string): number {
  let last = 0;
  for (const name of readdirSync(dir)) {
    const match = SAVED_TICKET.exec(name);
    if (match) last = Math.max(last, Number(match[1]));
  }
  return last;
}

/** The printer itself, independent of how bytes reach it. */
export class PrinterEngine extends EventEmitter<PrinterEngineEvents> {
  readonly tickets: PrintedTicket[] = [];
  private state: PrinterCondition = { ...GOOD_CONDITION };
  private forcedOffline = false;
  private asbFlags = 0;
  private decoder: EscposDecoder;
  /** Last two bytes of the previous chunk, so a DLE EOT split across chunks is still seen. */
  private realtimeTail: number[] = [];
  private held: Buffer[] = [];
  private paperLeft: number | undefined;
  private current: PrintedTicket | undefined;
  private ticketCount = 0;
  /** decoder.commandCounts when the previous ticket ended. */
  private countsBefore = new Map<string, number>();
  private printAreas: PrintedTicket['printAreas'] = [];
  private mishandled: string[] = [];

  constructor(private readonly options: PrinterEngineOptions = {}) {
    super();
    const model = options.model;
    this.decoder = new EscposDecoder({
      multibyte: model ? multibyteOf(model) : (options.multibyte ?? 'auto'),
      mishandles: model?.mishandles ?? [],
    });
    if (options.outDir) {
      mkdirSync(options.outDir, { recursive: true });
      this.ticketCount = lastSavedTicket(options.outDir);
    }
  }

  get condition(): PrinterCondition {
    return { ...this.state, faults: [...this.state.faults] };
  }

  get autoStatusBack(): number {
    return this.asbFlags;
  }

  /** The ticket being printed (no cut yet), if any. */
  get inProgress(): PrintedTicket | undefined {
    return this.current;
  }

  receive(chunk: Uint8Array): void {
    this.answerRealtime(chunk);
    if (this.blocked() || this.held.length > 0) {
      this.held.push(Buffer.from(chunk));
      return;
    }
    this.print(Buffer.from(chunk));
  }

  /** The host's link dropped: a half command will never complete. Paper, cover and ASB stay as they are. */
  linkLost(): void {
    this.realtimeTail = [];
    this.held = [];
    this.handle(this.decoder.reset());
    this.finishTicket(false);
  }

  // Controls: what a person does to a printer.

  /** Out of paper now, or after `afterBytes` more bytes of print data (mid-ticket). */
  paperOut(afterBytes?: number): void {
    if (afterBytes !== undefined && afterBytes > 0) {
      this.paperLeft = afterBytes;
      return;
    }
    this.paperLeft = undefined;
    this.change({ paperOut: true, paperNearEnd: true });
  }

  paperNearEnd(near = true): void {
    this.change({ paperNearEnd: near });
  }

  /** A new roll: paper present, not near its end; what waited in the buffer prints now. */
  refill(): void {
    this.paperLeft = undefined;
    this.change({ paperOut: false, paperNearEnd: false });
  }

  openCover(): void {
    this.change({ coverOpen: true });
  }

  closeCover(): void {
    this.change({ coverOpen: false });
  }

  /** Offline for no paper reason (e.g. an error waiting for recovery). */
  goOffline(): void {
    this.forcedOffline = true;
    this.change({ waitingForRecovery: true });
  }

  goOnline(): void {
    this.forcedOffline = false;
    this.change({ waitingForRecovery: false });
  }

  private blocked(): boolean {
    return this.state.offline;
  }

  private change(update: Partial<PrinterCondition>): void {
    const before = JSON.stringify(this.state);
    const next = { ...this.state, ...update };
    next.offline = next.paperOut || next.coverOpen || this.forcedOffline || next.faults.length > 0;
    this.state = next;
    if (JSON.stringify(next) === before) return;
    if (next.offline && this.current && (next.paperOut || next.coverOpen)) this.current.interrupted = true;
    this.emit('condition', this.condition);
    if (this.asbFlags !== 0) this.emit('output', encodeAsb(next));
    if (!next.offline && this.held.length > 0) {
      const held = this.held;
      this.held = [];
      for (const chunk of held) {
        if (this.blocked() || this.held.length > 0) this.held.push(chunk);
        else this.print(chunk);
      }
    }
  }

  private answerRealtime(chunk: Uint8Array): void {
    const bytes = [...this.realtimeTail, ...chunk];
    const replies: number[] = [];
    const start = this.realtimeTail.length;
    // Only sequences that end in this chunk: earlier ones were answered with the previous chunk.
    for (let i = Math.max(2, start); i < bytes.length; i += 1) {
      if (bytes[i - 2] === PAGE_REALTIME && bytes[i - 1] === EOT && bytes[i]! >= 1 && bytes[i]! <= 4)
        replies.push(encodeRealtimeReply(bytes[i]!, this.state));
    }
    this.realtimeTail = bytes.slice(-2);
    if (replies.length > 0) this.emit('output', Buffer.from(replies));
  }

  private print(chunk: Buffer): void {
    if (this.paperLeft !== undefined && chunk.length >= this.paperLeft) {
      const now = chunk.subarray(0, this.paperLeft);
      const rest = chunk.subarray(this.paperLeft);
      this.handle(this.decoder.feed(now));
      this.paperLeft = undefined;
      // The roll ends here: whatever follows waits in the buffer until a refill.
      this.ensureTicket().interrupted = true;
      this.change({ paperOut: true, paperNearEnd: true });
      if (rest.length > 0) this.held.push(Buffer.from(rest));
      return;
    }
    if (this.paperLeft !== undefined) this.paperLeft -= chunk.length;
    this.handle(this.decoder.feed(chunk));
  }

  private handle(events: EscposEvent[]): void {
    for (const event of events) {
      switch (event.kind) {
        case 'line':
          this.ensureTicket().lines.push(event.line);
          this.emit('line', event.line);
          break;
        case 'image': {
          const ticket = this.ensureTicket();
          const image: PrintedImage = {
            width: event.image.width,
            height: event.image.height,
            command: event.image.command,
            png: rasterToPng(event.image, this.options.imageMargin ?? 16),
          };
          if (this.options.outDir) {
            image.file = join(
              this.options.outDir,
              `ticket-${String(ticket.index).padStart(4, '0')}-image-${ticket.images.length + 1}.png`,
            );
            writeFileSync(image.file, image.png);
          }
          ticket.images.push(image);
          ticket.lines.push({ text: `[image ${image.width}x${image.height}]`, scale: 1 });
          break;
        }
        case 'cut':
          this.finishTicket(true);
          break;
        case 'auto-status-back':
          this.asbFlags = event.flags;
          // Enabling ASB sends the current status at once (Epson GS a).
          if (event.flags !== 0) this.emit('output', encodeAsb(this.state));
          break;
        case 'transmit-status':
          this.emit('output', Buffer.from([event.n === 1 ? encodePaperStatus(this.state) : 0x00]));
          break;
        case 'unknown':
          this.emit('unknown', event.bytes);
          break;
        case 'print-area':
          this.printAreas.push({ left: event.left, width: event.width });
          break;
        case 'mishandled':
          this.mishandled.push(event.command);
          this.emit('mishandled', event.command);
          break;
        case 'initialize':
        case 'native-qr':
          break;
      }
    }
  }

  private ensureTicket(): PrintedTicket {
    if (!this.current) {
      this.ticketCount += 1;
      this.current = {
        index: this.ticketCount,
        lines: [],
        text: '',
        images: [],
        cut: false,
        interrupted: false,
        commands: {},
        printAreas: [],
        mishandled: [],
      };
    }
    return this.current;
  }

  private finishTicket(cut: boolean): void {
    const ticket = this.current;
    if (!ticket) return;
    this.current = undefined;
    ticket.cut = cut;
    ticket.text = ticket.lines.map((l) => l.text).join('\n');
    for (const [name, count] of this.decoder.commandCounts) {
      const since = count - (this.countsBefore.get(name) ?? 0);
      if (since > 0) ticket.commands[name] = since;
    }
    this.countsBefore = new Map(this.decoder.commandCounts);
    ticket.printAreas = this.printAreas.splice(0);
    ticket.mishandled = this.mishandled.splice(0);
    if (this.options.outDir) {
      ticket.textFile = join(this.options.outDir, `ticket-${String(ticket.index).padStart(4, '0')}.txt`);
      writeFileSync(ticket.textFile, `${ticket.text}\n`);
    }
    this.tickets.push(ticket);
    this.emit('ticket', ticket);
  }
}

/** A printer on the device end of a serial line; reopens the path after an unplug. */
class SerialEndpoint {
  private port: SerialPort | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly onOutput = (bytes: Buffer) => {
    if (this.port?.isOpen) this.port.write(bytes);
  };

  constructor(
    readonly path: string,
    private readonly engine: PrinterEngine,
    private readonly log: (line: string) => void,
  ) {
    engine.on('output', this.onOutput);
  }

  async open(): Promise<void> {
    const port = new SerialPort(withHangupBinding({ path: this.path, baudRate: 115_200, autoOpen: false }));
    port.on('error', () => undefined);
    await new Promise<void>((resolve, reject) =>
      port.open((error) =>
        error ? reject(new Error(`printer emulator cannot open ${this.path}: ${error.message}`)) : resolve(),
      ),
    );
    this.port = port;
    port.on('data', (chunk: Buffer) => this.engine.receive(chunk));
    port.on('close', () => {
      if (this.port !== port) return;
      this.port = undefined;
      this.engine.linkLost();
      if (this.stopped) return;
      this.log(`printer emulator: ${this.path} dropped; waiting for it to come back`);
      this.reopenSoon();
    });
  }

  private reopenSoon(): void {
    this.timer = setTimeout(() => {
      if (this.stopped) return;
      if (!existsSync(this.path)) return this.reopenSoon();
      this.open().then(
        () => this.log(`printer emulator: ${this.path} open again`),
        () => this.reopenSoon(),
      );
    }, 100);
  }

  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.engine.off('output', this.onOutput);
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}

/** A printer listening on a TCP port like a LAN printer's raw port 9100. */
class TcpEndpoint {
  private readonly sockets = new Set<Socket>();
  private readonly onOutput = (bytes: Buffer) => {
    for (const socket of this.sockets) socket.write(bytes);
  };

  private constructor(
    private readonly server: Server,
    private readonly engine: PrinterEngine,
    readonly port: number,
    readonly host: string,
  ) {
    engine.on('output', this.onOutput);
  }

  static async listen(
    engine: PrinterEngine,
    port: number,
    host: string,
    log: (line: string) => void,
  ): Promise<TcpEndpoint> {
    const server = createServer();
    const endpointReady = new Promise<number>((resolve, reject) => {
      server.once('error', (error) =>
        reject(new Error(`printer emulator cannot listen on ${host}:${port}: ${error.message}`)),
      );
      server.listen(port, host, () => {
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
    const actual = await endpointReady;
    const endpoint = new TcpEndpoint(server, engine, actual, host);
    server.on('connection', (socket) => {
      endpoint.sockets.add(socket);
      socket.setNoDelay(true);
      log(`printer emulator: host connected from ${socket.remoteAddress}:${socket.remotePort}`);
      socket.on('data', (chunk) => engine.receive(chunk));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        endpoint.sockets.delete(socket);
        if (endpoint.sockets.size === 0) engine.linkLost();
      });
    });
    return endpoint;
  }

  get connections(): number {
    return this.sockets.size;
  }

  /** What a network cut or a printer reboot does to the host's socket. */
  dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    this.engine.off('output', this.onOutput);
    this.dropConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export interface RunPrinterEmulatorOptions extends PrinterEngineOptions {
  /** The device end of a serial line (PtyPair.b). */
  path?: string;
  /** Listen on this TCP port (0 = any free port; see handle.tcpPort). */
  tcpPort?: number;
  /** Default 127.0.0.1. */
  tcpHost?: string;
  signal?: AbortSignal;
  /** Decoded lines, tickets and link changes, e.g. console.log for the CLI. */
  log?: (line: string) => void;
}

export interface PrinterEmulatorHandle {
  readonly engine: PrinterEngine;
  readonly tickets: PrintedTicket[];
  /** The port actually listened on, when tcpPort was given. */
  readonly tcpPort: number | undefined;
  readonly connections: number;
  paperOut(afterBytes?: number): void;
  paperNearEnd(near?: boolean): void;
  refill(): void;
  openCover(): void;
  closeCover(): void;
  goOffline(): void;
  goOnline(): void;
  /** TCP: closes the host's sockets (they may reconnect). */
  dropConnections(): void;
  /** Resolves with the next finished ticket. */
  nextTicket(timeoutMs?: number): Promise<PrintedTicket>;
  close(): Promise<void>;
  /** Settles once closed (by close() or the signal). */
  readonly closed: Promise<void>;
}

export async function runPrinterEmulator(options: RunPrinterEmulatorOptions): Promise<PrinterEmulatorHandle> {
  if (options.path === undefined && options.tcpPort === undefined)
    throw new Error('printer emulator: give a serial path (the device end of a pty) or a TCP port (0 for any)');
  const log = options.log ?? (() => undefined);
  const engine = new PrinterEngine(options);
  engine.on('ticket', (ticket) => {
    const where =
      ticket.images.length > 0 ? ` (${ticket.images.map((i) => i.file ?? `${i.width}x${i.height}`).join(', ')})` : '';
    log(
      `printer emulator: ticket ${ticket.index}${ticket.interrupted ? ' (interrupted)' : ''}` +
        `${ticket.cut ? '' : ' (not cut)'}${where}\n${ticket.text}`,
    );
  });
  engine.on('condition', (c) => log(`printer emulator: ${describeCondition(c)}`));
  engine.on('unknown', (bytes) =>
    log(`printer emulator: unknown command ${bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ')}`),
  );
  engine.on('mishandled', (command) =>
    log(`printer emulator: ${command}, which the ${options.model?.name} is reported to print as garbage`),
  );

  let serial: SerialEndpoint | undefined;
  let tcp: TcpEndpoint | undefined;
  try {
    if (options.path !== undefined) {
      serial = new SerialEndpoint(options.path, engine, log);
      await serial.open();
    }
    if (options.tcpPort !== undefined)
      tcp = await TcpEndpoint.listen(engine, options.tcpPort, options.tcpHost ?? '127.0.0.1', log);
  } catch (error) {
    await serial?.close();
    throw error;
  }

  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      options.signal?.removeEventListener('abort', onAbort);
      await serial?.close();
      await tcp?.close();
      resolveClosed();
    })();
    return closing;
  };
  const onAbort = () => void close();
  if (options.signal?.aborted) await close();
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  return {
    engine,
    tickets: engine.tickets,
    tcpPort: tcp?.port,
    get connections() {
      return tcp?.connections ?? 0;
    },
    paperOut: (afterBytes) => engine.paperOut(afterBytes),
    paperNearEnd: (near) => engine.paperNearEnd(near),
    refill: () => engine.refill(),
    openCover: () => engine.openCover(),
    closeCover: () => engine.closeCover(),
    goOffline: () => engine.goOffline(),
    goOnline: () => engine.goOnline(),
    dropConnections: () => tcp?.dropConnections(),
    nextTicket: (timeoutMs = 10_000) =>
      new Promise<PrintedTicket>((resolve, reject) => {
        const timer = setTimeout(() => {
          engine.off('ticket', onTicket);
          reject(new Error(`printer emulator: no ticket printed within ${timeoutMs} ms`));
        }, timeoutMs);
        const onTicket = (ticket: PrintedTicket) => {
          clearTimeout(timer);
          resolve(ticket);
        };
        engine.once('ticket', onTicket);
      }),
    close,
    closed,
  };
}

export function describeCondition(c: PrinterCondition): string {
  const parts: string[] = [];
  if (c.offline) parts.push('offline');
  if (c.coverOpen) parts.push('cover open');
  if (c.paperOut) parts.push('paper out');
  else if (c.paperNearEnd) parts.push('paper near end');
  if (c.waitingForRecovery) parts.push('waiting for recovery');
  if (c.faults.length > 0) parts.push(`faults: ${c.faults.join(', ')}`);
  return parts.length === 0 ? 'ready' : parts.join(', ');
}
