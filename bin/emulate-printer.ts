import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import {
  describeCondition,
  runPrinterEmulator,
  type PrinterEmulatorHandle,
} from '../drivers/emulators/printer-emulator.ts';
import { printerModel } from '../drivers/ticket-printer/printer-models.ts';
import { parseListenAddress } from './emulate-display.ts';

/**
 * `waitwell emulate printer --path <pty end> | --tcp [host:]port [--out DIR]`: an Epson-style
 * ticket printer on the far end of a serial line or on a TCP port (9100 on a real one). It prints
 * each ticket it decodes (text, and the PNG files of its images in --out), answers status
 * queries, and takes commands on stdin to play a person at the printer.
 */
export interface EmulatePrinterValues {
  path?: string;
  tcp?: string;
  out?: string;
  /** A model id from drivers/ticket-printer/printer-models.ts. */
  model?: string;
}

export interface EmulatePrinterIo {
  out?: (text: string) => void;
  /** Commands, one a line (default process.stdin). */
  input?: Readable;
  /** Stops the emulator instead of SIGINT (tests). */
  signal?: AbortSignal;
  /** Called once the emulator runs, e.g. to learn the TCP port chosen for --tcp 0. */
  onReady?: (handle: PrinterEmulatorHandle) => void;
}

const PRINTER_CONTROLS = `commands (type and press Enter):
  paper-out [BYTES]   out of paper now, or after BYTES more bytes (mid-ticket)
  paper-near-end      the roll is nearly used up
  refill              a new roll (clears out / near end; buffered data prints)
  cover-open | cover-close
  offline | online    offline waiting for recovery, and back
  drop                cut the TCP connections (the host reconnects)
  status              show the printer's state
  help`;

/** Applies one stdin command; returns what to print. */
function applyPrinterControl(handle: PrinterEmulatorHandle, line: string): string {
  const [command, argument, ...extra] = line.trim().split(/\s+/);
  if (!command) return '';
  if (extra.length > 0) return `"${line.trim()}": too many words\n${PRINTER_CONTROLS}`;
  switch (command) {
    case 'paper-out': {
      if (argument === undefined) {
        handle.paperOut();
        return `paper out: ${describeCondition(handle.engine.condition)}`;
      }
      const bytes = Number(argument);
      if (!Number.isInteger(bytes) || bytes < 1)
        return `paper-out takes a whole number of bytes (e.g. paper-out 600), got "${argument}"`;
      handle.paperOut(bytes);
      return `the paper runs out after ${bytes} more bytes`;
    }
    case 'paper-near-end':
      handle.paperNearEnd();
      break;
    case 'refill':
      handle.refill();
      break;
    case 'cover-open':
      handle.openCover();
      break;
    case 'cover-close':
      handle.closeCover();
      break;
    case 'offline':
      handle.goOffline();
      break;
    case 'online':
      handle.goOnline();
      break;
    case 'drop':
      if (handle.tcpPort === undefined)
        return 'drop cuts TCP connections; this printer is on a serial line (unplug it by stopping socat)';
      handle.dropConnections();
      return 'connections dropped';
    case 'status':
      break;
    case 'help':
      return PRINTER_CONTROLS;
    default:
      return `unknown command "${command}"\n${PRINTER_CONTROLS}`;
  }
  const statusBack = handle.engine.autoStatusBack;
  const automatic = statusBack ? ` (automatic status back on, 0x${statusBack.toString(16)})` : '';
  return `printer: ${describeCondition(handle.engine.condition)}${automatic}, ${handle.tickets.length} tickets printed`;
}

export async function emulatePrinter(values: EmulatePrinterValues, io: EmulatePrinterIo = {}): Promise<void> {
  const out = io.out ?? ((text: string) => console.log(text));
  if ((values.path === undefined) === (values.tcp === undefined)) {
    throw new Error(
      'give --path <the device end of a serial line, e.g. a pty made by socat> or --tcp [host:]port to listen on ' +
        '(9100 like a LAN printer, 0 = any free port), not both or neither',
    );
  }
  const listen = values.tcp === undefined ? undefined : parseListenAddress(values.tcp);
  const model = values.model === undefined ? undefined : printerModel(values.model);

  const stop = new AbortController();
  const onSigint = () => stop.abort();
  process.once('SIGINT', onSigint);
  io.signal?.addEventListener('abort', () => stop.abort(), { once: true });
  const input = io.input ?? process.stdin;
  let lines: ReturnType<typeof createInterface> | undefined;
  try {
    const handle = await runPrinterEmulator({
      path: values.path,
      tcpPort: listen?.port,
      tcpHost: listen?.host,
      outDir: values.out,
      model,
      signal: stop.signal,
      log: out,
    });
    const where = handle.tcpPort !== undefined ? `tcp ${listen!.host}:${handle.tcpPort}` : `serial ${values.path}`;
    out(
      `${model ? `${model.name}:` : 'Epson-style'} ticket printer on ${where}` +
        `${values.out ? `, tickets saved in ${values.out}` : ''}; Ctrl-C to stop`,
    );
    out(PRINTER_CONTROLS);
    io.onReady?.(handle);
    lines = createInterface({ input, terminal: false });
    lines.on('line', (line) => {
      const reply = applyPrinterControl(handle, line);
      if (reply) out(reply);
    });
    await handle.closed;
    out(`stopped; ${handle.tickets.length} tickets printed`);
  } finally {
    lines?.close();
    process.off('SIGINT', onSigint);
  }
}
