import { Mutex } from 'async-mutex';
import type { Language } from '../../core/languages.ts';
import { EventEmitter } from 'node:events';
import type { DeviceEvents, DeviceStatus, PrintResult, TicketPrinter, TicketToPrint } from '../device.ts';
import type { Transport, TransportState } from '../transport/transport.ts';
import { TransportLink } from '../transport/transport-link.ts';
import { WaitCancelledError, Waitress, WaitTimeoutError } from '../waitress.ts';
import {
  ASB_FLAGS,
  DLE_EOT,
  ENABLE_ASB,
  EscposStatusReader,
  decodeRealtimeReply,
  GOOD_CONDITION,
  TRANSMIT_PAPER_STATUS,
  TRANSMIT_PAPER_STATUS_ASCII,
  type PrinterCondition,
  type StatusFrame,
} from './escpos-status.ts';
import { blockerOf, mergeCondition, statusOfCondition } from './printer-condition.ts';
import { PrinterError } from './printer-error.ts';
import { type PrinterModel, printerModel } from './printer-models.ts';
import { textEncoding } from './text-repertoire.ts';
import { type RenderedTicket, type RenderOptions, renderTicket } from './render.ts';

/**
 * An Epson-compatible ESC/POS ticket printer over any transport (serial, TCP 9100, USB serial).
 * On every (re)connect it turns automatic status back on and asks DLE EOT 1, 2, 3 and 4; from
 * then on it follows what the printer reports by itself, and polls now and then for printers whose
 * ASB is missing. print() checks the printer first and refuses with a PrinterError naming the
 * cause; sends the ticket; waits for the GS r reply at the ticket's end (sent only once printing
 * caught up with it, so it means "printed"), failing at once if the printer reports paper out or
 * an open cover on the way; and finally confirms the status with DLE EOT queries.
 */
export interface EscposPrinterOptions extends Pick<RenderOptions, 'model' | 'cpl' | 'qrCell' | 'commandSet' | 'cut'> {
  /** The device id used in device.status events, e.g. "printer-entrance". */
  id: string;
  transport: Transport;
  /** One DLE EOT reply (real-time, answered within milliseconds by a live printer). Default 1000 ms. */
  replyTimeoutMs?: number;
  /** From the last byte sent until the printer confirms the ticket. Default 20 000 ms (9600 baud, a slow roll). */
  printTimeoutMs?: number;
  /** Status poll while idle; 0 = never. Default 15 000 ms. */
  pollMs?: number;
  /**
   * While the printer does not answer at all, ask again (ASB on, then DLE EOT) this often: bytes
   * sent before the far end was ready are lost, and a printer switched on late says nothing by
   * itself. Default 2000 ms.
   */
  noReplyRetryMs?: number;
}

/** A reply the driver did not ask for, or bytes it could not read: for logs and the devices screen. */
export interface PrinterProblem {
  reason: 'garbage' | 'truncated-asb' | 'unrequested-reply' | 'driver-error';
  detail: string;
}

export type PrinterDiagnosticsEvents = {
  problem: [problem: PrinterProblem];
  /** Every frame the printer sent, decoded. */
  frame: [frame: StatusFrame];
  /** The merged condition after each report. */
  condition: [condition: PrinterCondition];
};

const QUERIES = [1, 2, 3, 4] as const;
const NAMES: Record<(typeof QUERIES)[number], string> = {
  1: 'printer status',
  2: 'offline cause',
  3: 'error cause',
  4: 'paper sensor',
};

export class EscposPrinter extends EventEmitter<DeviceEvents> implements TicketPrinter {
  readonly id: string;
  readonly diagnostics = new EventEmitter<PrinterDiagnosticsEvents>();
  private readonly transport: Transport;
  private readonly reader = new EscposStatusReader();
  private readonly replies = new Waitress<StatusFrame>();
  private readonly replyTimeoutMs: number;
  private readonly printTimeoutMs: number;
  private readonly pollMs: number;
  private readonly noReplyRetryMs: number;
  private readonly render: RenderOptions;
  private condition: PrinterCondition | undefined;
  private currentStatus: DeviceStatus = { state: 'offline', code: 'stopped', detail: 'not started' };
  private readonly link: TransportLink;
  /** Serialises printer conversations: DLE EOT replies carry no tag, only their order. */
  private readonly conversation = new Mutex();
  private pollTimer: NodeJS.Timeout | undefined;
  private noReply: string | undefined;

  constructor(options: EscposPrinterOptions) {
    super();
    this.id = options.id;
    this.transport = options.transport;
    this.link = new TransportLink(this.transport, {
      data: (chunk) => this.safely(() => this.receive(this.reader.feed(chunk))),
      state: (state, reason) => this.safely(() => this.transportChanged(state, reason)),
    });
    this.replyTimeoutMs = options.replyTimeoutMs ?? 1000;
    this.printTimeoutMs = options.printTimeoutMs ?? 20_000;
    this.pollMs = options.pollMs ?? 15_000;
    this.noReplyRetryMs = options.noReplyRetryMs ?? 2000;
    this.render = {
      model: options.model ?? printerModel(),
      cpl: options.cpl,
      qrCell: options.qrCell,
      commandSet: options.commandSet,
      cut: options.cut,
      autoStatusBack: ASB_FLAGS,
    };
  }

  get status(): DeviceStatus {
    return this.currentStatus;
  }

  /** The model tickets are rendered for. */
  get model(): PrinterModel {
    return this.render.model!;
  }

  printsAsText(language: Language): boolean {
    return language === 'en' || textEncoding(language, this.model) !== 'cp437';
  }

  /** The printer's last reported condition; undefined until it answered once on this link. */
  get lastCondition(): PrinterCondition | undefined {
    return this.condition;
  }

  async start(): Promise<void> {
    if (!this.link.attach()) return;
    await this.transport.open();
    // The first status conversation after open takes the printer; let start() cover it.
    await this.conversation.waitForUnlock();
  }

  async stop(): Promise<void> {
    if (!this.link.detach()) return;
    clearTimeout(this.pollTimer);
    this.replies.cancelAll('the printer driver stopped');
    await this.transport.close();
    this.setStatus(this.link.stoppedStatus());
  }

  /** Asks the printer now (DLE EOT 1-4) and returns what it said. */
  refreshStatus(): Promise<PrinterCondition> {
    return this.exclusive(() => this.query());
  }

  print(ticket: TicketToPrint): Promise<PrintResult> {
    return this.exclusive(() => this.printNow(ticket));
  }

  private async printNow(ticket: TicketToPrint): Promise<PrintResult> {
    const what = `ticket ${ticket.number}`;
    const where = this.transport.description;
    if (!this.link.started)
      throw new PrinterError('stopped', `${where}: the printer driver is not started`, 'nothing', ticket.number);
    if (this.transport.state !== 'open') {
      throw new PrinterError(
        'disconnected',
        `${where} is not connected (${this.transport.state}): ` +
          `check the printer's cable or network and its power; ${what} was not printed`,
        'nothing',
        ticket.number,
      );
    }
    const before = await this.query().catch((error: unknown) => {
      throw this.asPrinterError(error, what, 'nothing');
    });
    const blocker = blockerOf(before);
    if (blocker)
      throw new PrinterError(
        blocker.code,
        `${where}: ${blocker.advice}; ${what} was not printed`,
        'nothing',
        ticket.number,
      );

    let rendered: RenderedTicket;
    try {
      rendered = renderTicket(ticket, 'escpos', this.render);
    } catch (error) {
      throw new PrinterError(
        'cannot-render',
        `${where}: ${what} could not be rendered for the ${this.render.model!.name} (${(error as Error).message}); ` +
          `it was not printed`,
        'nothing',
        ticket.number,
      );
    }
    let bytes = rendered.bytes;
    // The GS r at the end is what confirms the ticket; receiptline ends with one (GS r 1 or its ASCII form
    // GS r 49), and a second would be one more command a clone may not implement.
    const end = bytes.subarray(-TRANSMIT_PAPER_STATUS.length);
    if (!end.equals(TRANSMIT_PAPER_STATUS) && !end.equals(TRANSMIT_PAPER_STATUS_ASCII))
      bytes = Buffer.concat([bytes, TRANSMIT_PAPER_STATUS]);
    // Listening before the first byte goes out: a short roll can run out while the write is still going.
    const outcome = this.replies.waitFor(
      (frame): { ok: true } | { ok: false; condition: PrinterCondition } | undefined => {
        if (frame.kind === 'paper-status') return { ok: true };
        if (frame.kind === 'asb' && blockerOf(frame.condition)) return { ok: false, condition: frame.condition };
        return undefined;
      },
      {
        what: `the printer's confirmation that ${what} printed (the GS r reply at its end)`,
        timeoutMs: this.printTimeoutMs,
      },
    );
    outcome.catch(() => undefined);
    try {
      await this.transport.write(bytes);
    } catch (error) {
      this.replies.cancelAll('the write failed');
      throw new PrinterError(
        'disconnected',
        `${where}: sending ${what} failed (${(error as Error).message}); ` +
          `check the cable or network. Part of it may have printed`,
        'unknown',
        ticket.number,
      );
    }
    let result: Awaited<typeof outcome>;
    try {
      result = await outcome;
    } catch (error) {
      if (error instanceof WaitTimeoutError) {
        // No confirmation: a printer without ASB that ran out of paper looks like this. Ask it.
        const after = await this.query().catch(() => undefined);
        const cause = after && blockerOf(after);
        if (cause)
          throw new PrinterError(
            cause.code,
            `${where}: ${cause.advice}; ${what} stopped part way: give the customer a new ticket`,
            'partial',
            ticket.number,
          );
        throw new PrinterError(
          'not-confirmed',
          `${where}: ${what} was sent but the printer did not confirm it within ${this.printTimeoutMs} ms: ` +
            `check whether it came out`,
          'unknown',
          ticket.number,
        );
      }
      throw this.asPrinterError(error, what, 'unknown');
    }
    if (!result.ok) {
      const cause = blockerOf(result.condition)!;
      throw new PrinterError(
        cause.code,
        `${where}: ${cause.advice}; ${what} stopped part way: give the customer a new ticket`,
        'partial',
        ticket.number,
      );
    }
    const after = await this.query().catch((error: unknown) => {
      throw this.asPrinterError(error, what, 'unknown');
    });
    const cause = blockerOf(after);
    // Printed in full (the GS r reply came), but the printer cannot take the next one.
    if (cause)
      this.diagnostics.emit('problem', {
        reason: 'driver-error',
        detail: `${where}: ${what} printed, then: ${cause.advice}`,
      });
    return {
      model: rendered.model,
      renderedAs: rendered.renderedAs,
      imageLines: rendered.imageLines,
      bytes: bytes.length,
    };
  }

  /** DLE EOT 1, 2, 3, 4 in turn; merges the answers into the condition and the status. */
  private async query(): Promise<PrinterCondition> {
    let condition = this.condition ?? { ...GOOD_CONDITION };
    for (const n of QUERIES) {
      // A waiter left behind by a failed write would take the next query's reply.
      const abandon = new AbortController();
      const reply = this.replies.waitFor((frame) => (frame.kind === 'realtime' ? frame.byte : undefined), {
        what: `reply to DLE EOT ${n} (${NAMES[n]}) from ${this.transport.description}`,
        timeoutMs: this.replyTimeoutMs,
        signal: abandon.signal,
      });
      try {
        await this.transport.write(DLE_EOT(n));
        condition = mergeCondition(condition, decodeRealtimeReply(n, await reply));
      } catch (error) {
        reply.catch(() => undefined);
        abandon.abort(new Error('the query was not sent'));
        if (error instanceof WaitTimeoutError) {
          this.noReply = error.message;
          this.evaluate();
        }
        throw error;
      }
    }
    this.noReply = undefined;
    this.updateCondition(condition);
    return condition;
  }

  private asPrinterError(error: unknown, what: string, printed: 'nothing' | 'unknown'): PrinterError {
    const where = this.transport.description;
    if (error instanceof PrinterError) return error;
    if (error instanceof WaitTimeoutError) {
      return new PrinterError(
        'no-reply',
        `${where}: the printer does not answer (${error.message}): ` +
          `is it switched on, and is this the right port, address and baud rate? ` +
          `${what} ${printed === 'nothing' ? 'was not printed' : 'may not have printed'}`,
        printed,
        what.replace(/^ticket /, ''),
      );
    }
    if (error instanceof WaitCancelledError) {
      return new PrinterError(
        'disconnected',
        `${where}: the link dropped while waiting (${error.reason}); ` +
          `${what} ${printed === 'nothing' ? 'was not printed' : 'may be incomplete'}`,
        printed === 'nothing' ? 'nothing' : 'unknown',
        what.replace(/^ticket /, ''),
      );
    }
    return new PrinterError(
      'disconnected',
      `${where}: ${(error as Error).message}; ` +
        `${what} ${printed === 'nothing' ? 'was not printed' : 'may not have printed'}`,
      printed,
      what.replace(/^ticket /, ''),
    );
  }

  private receive(frames: StatusFrame[]): void {
    for (const frame of frames) {
      this.diagnostics.emit('frame', frame);
      switch (frame.kind) {
        case 'asb':
          this.updateCondition(mergeCondition(this.condition ?? GOOD_CONDITION, frame.condition));
          break;
        case 'garbage':
          this.diagnostics.emit('problem', {
            reason: frame.reason === 'truncated-asb' ? 'truncated-asb' : 'garbage',
            detail:
              `${this.transport.description} sent ` +
              `${frame.bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ')}`,
          });
          break;
        case 'paper-status':
        case 'realtime':
          break;
      }
      // After the condition update, so a waiter sees the status it implies.
      const taken = this.replies.deliver(frame);
      if (!taken && frame.kind === 'realtime') {
        // Bytes inside a ticket's image can read as DLE EOT to the printer, which answers them.
        this.diagnostics.emit('problem', {
          reason: 'unrequested-reply',
          detail: `${this.transport.description} sent status 0x${frame.byte.toString(16)} nobody asked for`,
        });
      }
    }
  }

  private transportChanged(state: TransportState, reason?: string): void {
    if (state !== 'open') {
      for (const frame of this.reader.reset()) this.receive([frame]);
      this.condition = undefined;
      this.noReply = undefined;
      this.replies.cancelAll(`${this.transport.description} ${reason ?? state}`);
      clearTimeout(this.pollTimer);
    }
    this.evaluate(state, reason);
    if (state === 'open') this.greet();
  }

  /** ASB on (the printer answers with its current status), then ask explicitly: clones without ASB stay silent. */
  private greet(): void {
    void this.exclusive(async () => {
      if (this.transport.state !== 'open') return;
      await this.transport.write(ENABLE_ASB());
      await this.query();
    }).catch(() => undefined);
  }

  private updateCondition(condition: PrinterCondition): void {
    this.condition = condition;
    // It spoke: whatever timed out before, the printer is there.
    this.noReply = undefined;
    this.diagnostics.emit('condition', condition);
    this.evaluate();
  }

  private evaluate(state: TransportState = this.transport.state, reason?: string): void {
    const where = this.transport.description;
    switch (state) {
      case 'connecting':
        this.setStatus({ state: 'offline', code: 'connecting', detail: `${where}: opening` });
        return;
      case 'reconnecting':
        this.setStatus({
          state: 'offline',
          code: 'disconnected',
          detail:
            `${where}: ${reason ?? 'link lost'}; ` +
            `reconnecting by itself (check the cable or network and the printer's power)`,
        });
        return;
      case 'closed':
        this.setStatus({ state: 'offline', code: 'stopped', detail: `${where}: closed` });
        return;
      case 'open':
        break;
    }
    if (this.noReply) {
      this.setStatus({
        state: 'offline',
        code: 'no-reply',
        detail:
          `${where}: ${this.noReply}: ` +
          `is the printer switched on, and is this the right port, address and baud rate?`,
      });
      this.schedulePoll(this.noReplyRetryMs, () => this.greet());
      return;
    }
    if (!this.condition) {
      this.setStatus({ state: 'offline', code: 'connecting', detail: `${where}: asking the printer for its status` });
      return;
    }
    this.setStatus(statusOfCondition(this.condition, where));
    this.schedulePoll();
  }

  private schedulePoll(
    delayMs = this.pollMs,
    ask: () => void = () => void this.refreshStatus().catch(() => undefined),
  ): void {
    clearTimeout(this.pollTimer);
    if (delayMs <= 0 || !this.link.started) return;
    this.pollTimer = setTimeout(() => {
      if (this.link.started && this.transport.state === 'open') ask();
    }, delayMs);
    this.pollTimer.unref();
  }

  private setStatus(status: DeviceStatus): void {
    const previous = this.currentStatus;
    this.currentStatus = status;
    // One device.status event per change of state or cause, not per poll.
    if (previous.state !== status.state || previous.code !== status.code) this.emit('status', status);
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.conversation.runExclusive(work);
  }

  /** A listener's bug must not take the transport (and the kiosk) down. */
  private safely(work: () => void): void {
    try {
      work();
    } catch (error) {
      try {
        this.diagnostics.emit('problem', { reason: 'driver-error', detail: (error as Error).stack ?? String(error) });
      } catch {
        // Nowhere left to report to.
      }
    }
  }
}
