import { runButtonsEmulator } from '../drivers/emulators/buttons-emulator.ts';
import { createPtyPair, type PtyPair } from '../drivers/emulators/pty-pair.ts';
import type { Command } from './cli.ts';
import { emulateDisplay } from './emulate-display.ts';
import { emulatePrinter } from './emulate-printer.ts';

type Values = Record<string, string | boolean | string[] | undefined>;

/** `--pair`: make the cable too (a pseudo-terminal pair) and say which end the kiosk opens. */
async function devicePath(values: Values): Promise<{ path?: string; pair?: PtyPair }> {
  if (!values.pair) return { path: values.path as string | undefined };
  if (values.path !== undefined) throw new Error('give --path or --pair, not both');
  const pair = await createPtyPair();
  console.log(`serial line made: point the kiosk's device at ${pair.a} (this emulator holds ${pair.b})`);
  return { path: pair.b, pair };
}

async function emulateButtons(values: Values, path: string | undefined): Promise<void> {
  if (!path) throw new Error('emulate buttons: give --path (the device end of a serial line) or --pair');
  const script = values.script as string | undefined;
  const rate = values.rate === undefined ? undefined : Number(values.rate);
  if (script === undefined && rate === undefined)
    throw new Error('emulate buttons: give --script "1, 4@250, 2@3000" or --rate PRESSES_PER_MINUTE');
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  const { presses } = await runButtonsEmulator({
    path,
    script,
    rate,
    count: values.count === undefined ? undefined : Number(values.count),
    checksum: Boolean(values.checksum),
    signal: stop.signal,
    log: (line) => console.log(`sent: ${line}`),
  });
  console.log(`button box emulator stopped after ${presses} press(es)`);
}

export const emulateCommand: Command = {
  summary: 'be the far end of a device: a smiley button box, an ESC/POS printer or a wait display',
  usage: `waitwell emulate buttons (--path DEV | --pair) [--checksum]
                                 (--script "1, 4@250" | --rate PER_MINUTE [--count N])
       waitwell emulate printer (--path DEV | --pair | --tcp [HOST:]PORT) [--out DIR] [--model MODEL]
       waitwell emulate display (--path DEV | --pair | --tcp [HOST:]PORT) [--kind dmd|alpha]
DEV is the device end of a serial line; --pair makes a pseudo-terminal pair (socat) and prints the
end the kiosk should open. The printer reads control words on stdin: paper-out, paper-near-end,
refill, cover-open, cover-close, offline, online. --model plays a printer model (waitwell devices lists
them): its own font reads multi-byte text, and the commands it mishandles are reported.`,
  options: {
    path: { type: 'string' },
    pair: { type: 'boolean' },
    tcp: { type: 'string' },
    script: { type: 'string' },
    rate: { type: 'string' },
    count: { type: 'string' },
    checksum: { type: 'boolean' },
    out: { type: 'string' },
    kind: { type: 'string' },
    model: { type: 'string' },
  },
  async run(values, positionals) {
    const [device] = positionals;
    if (device !== 'buttons' && device !== 'printer' && device !== 'display') {
      throw new Error(`emulate: say which device: buttons, printer or display (got "${device ?? ''}")`);
    }
    const { path, pair } = await devicePath(values);
    try {
      if (device === 'buttons') await emulateButtons(values, path);
      else if (device === 'printer')
        await emulatePrinter({
          path,
          tcp: values.tcp as string | undefined,
          out: values.out as string | undefined,
          model: values.model as string | undefined,
        });
      else
        await emulateDisplay({ path, tcp: values.tcp as string | undefined, kind: values.kind as string | undefined });
    } finally {
      await pair?.dispose();
    }
  },
};
