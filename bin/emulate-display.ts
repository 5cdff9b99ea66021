import { runDisplayEmulator, type DisplayCounters, type DisplayKind } from '../drivers/emulators/display-emulator.ts';

/**
 * `waitwell emulate display --path <pty end> | --tcp [host:]port  [--kind dmd|alpha]`: a wait
 * display on the far end of a serial line or on a TCP port, printing what it shows whenever that
 * changes, until Ctrl-C.
 */
export interface EmulateDisplayValues {
  path?: string;
  tcp?: string;
  kind?: string;
}

export interface EmulateDisplayIo {
  out?: (text: string) => void;
  /** Stops the emulator instead of SIGINT (tests). */
  signal?: AbortSignal;
}

const KINDS: Record<DisplayKind, string> = {
  dmd: 'Epson DM-D 2x20 customer display',
  alpha: 'Alpha-protocol LED sign',
};

export function parseListenAddress(text: string): { host: string; port: number } {
  const match = /^(?:(.+):)?(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[2]) : NaN;
  if (!match || port > 65535)
    throw new Error(
      `--tcp must be a port or host:port to listen on (e.g. 9101 or 127.0.0.1:9101; 0 = any free port), got "${text}"`,
    );
  return { host: match[1] ?? '127.0.0.1', port };
}

/** The content in a frame, so trailing spaces and the display's width show. */
export function boxed(lines: readonly string[], width = Math.max(20, ...lines.map((line) => line.length))): string {
  const edge = '-'.repeat(width);
  return [`+${edge}+`, ...(lines.length > 0 ? lines : ['']).map((line) => `|${line.padEnd(width)}|`), `+${edge}+`].join(
    '\n',
  );
}

function countersLine(kind: DisplayKind, counters: DisplayCounters): string {
  return kind === 'alpha'
    ? `text rewrites (blank) ${counters.textWrites}, string updates ${counters.stringUpdates}, ` +
        `memory configurations ${counters.memoryConfigurations}, problems ${counters.problems}`
    : `clears ${counters.blanks}, problems ${counters.problems}`;
}

export async function emulateDisplay(values: EmulateDisplayValues, io: EmulateDisplayIo = {}): Promise<void> {
  const out = io.out ?? ((text: string) => console.log(text));
  const kind = (values.kind ?? 'dmd') as DisplayKind;
  if (!(kind in KINDS))
    throw new Error(`--kind must be dmd (${KINDS.dmd}) or alpha (${KINDS.alpha}), got "${values.kind}"`);
  if ((values.path === undefined) === (values.tcp === undefined)) {
    throw new Error(
      'give --path <the device end of a serial line, e.g. a pty made by socat> or --tcp [host:]port to listen on, ' +
        'not both or neither',
    );
  }
  const listen = values.tcp === undefined ? undefined : parseListenAddress(values.tcp);

  const stop = new AbortController();
  const onSigint = () => stop.abort();
  process.once('SIGINT', onSigint);
  io.signal?.addEventListener('abort', () => stop.abort(), { once: true });
  try {
    const emulator = await runDisplayEmulator({
      kind,
      path: values.path,
      tcpPort: listen?.port,
      host: listen?.host,
      signal: stop.signal,
      log: out,
    });
    out(`${KINDS[kind]} on ${emulator.where}; Ctrl-C to stop`);
    out(boxed(emulator.screen(), kind === 'dmd' ? 20 : undefined));
    emulator.on('change', (screen) => {
      out(boxed(screen, kind === 'dmd' ? 20 : undefined));
      out(countersLine(kind, emulator.counters()));
    });
    if (!stop.signal.aborted)
      await new Promise<void>((resolve) => stop.signal.addEventListener('abort', () => resolve(), { once: true }));
    await emulator.close();
    out(`stopped; ${countersLine(kind, emulator.counters())}`);
  } finally {
    process.off('SIGINT', onSigint);
  }
}
