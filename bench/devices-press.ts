import type { ButtonPress } from '../drivers/device.ts';
import { ButtonsEmulator } from '../drivers/emulators/buttons-emulator.ts';
import { createPtyPair } from '../drivers/emulators/pty-pair.ts';
import { SerialButtons } from '../drivers/feedback-buttons/serial-buttons.ts';
import { SerialTransport } from '../drivers/transport/serial-transport.ts';

export interface PressLatencyOptions {
  /** Presses measured (default 300). */
  presses?: number;
  /** Presses sent first and not measured: JIT, socat and the pty warm up (default 20). */
  warmup?: number;
  /** Pause between one press's event and the next press (default 20 ms). */
  gapMs?: number;
  /** Give up on a press after this long (default 2000 ms). */
  timeoutMs?: number;
}

export interface PressLatencyResult {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  presses: number;
}

function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/**
 * Press-to-event latency over a real pseudo-terminal pair: the emulated box writes a press line
 * at t0 = performance.now(), and the SerialButtons driver in the same process emits the press
 * at t1. It covers the whole path a venue has after the USB wire: the write, socat relaying
 * between the ptys (standing in for the USB CDC hop), serialport's read, framing, decoding,
 * debounce and the event. One press in flight at a time, so queueing does not hide in the
 * numbers; buttons rotate 1..4 and the gap keeps each one outside the 50 ms debounce window.
 */
export async function pressLatency(options: PressLatencyOptions = {}): Promise<PressLatencyResult> {
  const presses = options.presses ?? 300;
  const warmup = options.warmup ?? 20;
  const gapMs = options.gapMs ?? 20;
  const timeoutMs = options.timeoutMs ?? 2000;
  const line = await createPtyPair();
  const transport = new SerialTransport({ path: line.a, baudRate: 115_200 });
  const buttons = new SerialButtons({ id: 'bench-buttons', transport });
  let box: ButtonsEmulator | undefined;
  try {
    await buttons.start();
    if (buttons.status.state !== 'ready')
      throw new Error(`bench: the driver did not open ${line.a}: ${buttons.status.detail ?? buttons.status.state}`);
    box = await ButtonsEmulator.open({ path: line.b, baudRate: 115_200 });
    const samples: number[] = [];
    for (let i = 0; i < warmup + presses; i += 1) {
      const button = (i % 4) + 1;
      const arrived = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => {
          buttons.off('press', onPress);
          reject(new Error(`bench: press ${i + 1} (button ${button}) did not arrive within ${timeoutMs} ms`));
        }, timeoutMs);
        const onPress = (press: ButtonPress) => {
          if (press.button !== button) return;
          clearTimeout(timer);
          buttons.off('press', onPress);
          resolve(performance.now());
        };
        buttons.on('press', onPress);
      });
      const t0 = performance.now();
      await box.press(button);
      const t1 = await arrived;
      if (i >= warmup) samples.push(t1 - t0);
      await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
    samples.sort((a, b) => a - b);
    return {
      p50Ms: round(percentile(samples, 50)),
      p99Ms: round(percentile(samples, 99)),
      maxMs: round(samples.at(-1) ?? Number.NaN),
      presses: samples.length,
    };
  } finally {
    await box?.close();
    await buttons.stop();
    await line.dispose();
  }
}
