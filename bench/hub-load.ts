import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { latestVersion } from '../core/events.ts';
import { newEventId } from '../core/ids.ts';
import type {
  BatchFailure,
  BatchOk,
  BoardServerToClient,
  HelloOk,
  Failure,
  KioskClientToServer,
  KioskServerToClient,
} from '../core/protocol.ts';
import { percentile } from './sync.ts';

/**
 * Many connections to hubs from one process, as cheaply as they can be had: raw socket.io-client
 * sockets speaking the kiosk protocol (hello, then one-event batches), websocket transport only,
 * no local store. A full kiosk runtime (SQLite outbox, sync client) per connection would measure
 * this process, not the hub.
 */

export interface LoadKiosk {
  deviceId: string;
  token: string;
  venueId: string;
  /** Index of the hub (in the `hubs` list) this kiosk connects to. */
  hub: number;
  /** Touchpoint this kiosk presses: one per hub, so a board can tell where a press came from. */
  touchpointId: string;
}

export interface LoadBoard {
  venueId: string;
  token: string;
  hub: number;
}

export interface LoadPlan extends PressStep {
  hubs: readonly string[];
  kiosks: readonly LoadKiosk[];
  boards: readonly LoadBoard[];
  /** Handshakes in flight at once while connecting. */
  connectWindow: number;
}

export interface LoadResult {
  connections: number;
  kioskConnections: number;
  boardConnections: number;
  connectSeconds: number;
  sent: number;
  acked: number;
  sendSeconds: number;
  eventsPerSec: number;
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Same, only for presses that reached a board through another hub (cluster runs). */
  crossHubSamples: number;
  crossHubP50Ms: number;
  crossHubP99Ms: number;
  /** Presses some board never saw, or the hub never acknowledged (the worst board counts). */
  lost: number;
  refused: number;
  disconnects: number;
}

type KioskSocket = Socket<KioskServerToClient, KioskClientToServer>;
type BoardSocket = Socket<BoardServerToClient>;

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** A venue's touchpoint, as one key. */
const countKey = (venueId: string, touchpointId: string) => `${venueId}/${touchpointId}`;

/** Press send times per venue touchpoint, in send order: the n-th press of one was sent at times[n - 1]. */
class SendLog {
  readonly times = new Map<string, number[]>();
  /** Per key, how many presses were sent before timing started (the warm-up); empty until then. */
  private readonly untimed = new Map<string, number>();
  private timing = false;
  record(key: string, at: number): void {
    const list = this.times.get(key) ?? [];
    list.push(at);
    this.times.set(key, list);
  }
  startTiming(): void {
    for (const [key, list] of this.times) this.untimed.set(key, list.length);
    this.timing = true;
  }
  /** The first press of `key` that is timed (none while warming up). */
  firstTimed(key: string): number {
    return this.timing ? (this.untimed.get(key) ?? 0) : Number.POSITIVE_INFINITY;
  }
}

/**
 * A board's view of the counts. A board is told a touchpoint's running total, not which presses
 * made it, so latency is read from the totals: when the total first reaches n, the n-th press sent
 * to that touchpoint has arrived (the hub counts presses in arrival order, so this is each press's
 * latency whenever they arrive in the order they were sent, and close to it otherwise).
 */
class BoardWatch {
  readonly seen = new Map<string, number>();
  constructor(
    readonly venueId: string,
    readonly hub: number,
    private readonly sends: SendLog,
    private readonly touchpointHub: ReadonlyMap<string, number>,
    /** Where the current step's latencies go (swapped for each step). */
    private readonly timing: { latencies: number[]; crossHub: number[] },
  ) {}
  onCounts(touchpoints: readonly { touchpointId: string; total: number }[], at: number): void {
    for (const { touchpointId, total } of touchpoints) {
      const key = countKey(this.venueId, touchpointId);
      const before = this.seen.get(key) ?? 0;
      if (total <= before) continue;
      this.seen.set(key, total);
      const sentAt = this.sends.times.get(key) ?? [];
      const cross = this.touchpointHub.get(key) !== this.hub;
      for (let n = Math.max(before, this.sends.firstTimed(key)); n < total && n < sentAt.length; n += 1) {
        const ms = at - sentAt[n]!;
        this.timing.latencies.push(ms);
        if (cross) this.timing.crossHub.push(ms);
      }
    }
  }

  /** Presses sent to this board's venue that it has not been told of. */
  unseen(): number {
    let missing = 0;
    for (const [key, times] of this.sends.times) {
      if (key.startsWith(`${this.venueId}/`)) missing += Math.max(0, times.length - (this.seen.get(key) ?? 0));
    }
    return missing;
  }
}

function connectKiosk(url: string, kiosk: LoadKiosk): Promise<KioskSocket> {
  const socket: KioskSocket = io(`${url}/kiosk`, {
    auth: { deviceId: kiosk.deviceId, token: kiosk.token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      socket
        .timeout(30_000)
        .emitWithAck('hello', { lastSeq: 0, clientTime: Date.now() })
        .then(
          (reply: HelloOk | Failure) =>
            reply.ok ? resolve(socket) : reject(new Error(`${kiosk.deviceId}: hello refused: ${reply.message}`)),
          reject,
        );
    });
    socket.once('connect_error', (error) => reject(new Error(`${kiosk.deviceId}: ${error.message}`)));
  });
}

function connectBoard(url: string, venueId: string, token: string): Promise<BoardSocket> {
  const socket: BoardSocket = io(`${url}/board`, {
    auth: { venueId, token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once('snapshot', () => resolve(socket));
    socket.once('connect_error', (error) => reject(new Error(`board: ${error.message}`)));
  });
}

/** Runs `work` over `items` with at most `window` at a time. */
async function inWindows<T, R>(items: readonly T[], window: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(window, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!);
      }
    }),
  );
  return results;
}

/** Presses at a fixed rate for a time, after an untimed warm-up at the same rate. */
export interface PressStep {
  rate: number;
  seconds: number;
  /**
   * Presses sent first, at the same rate, and not timed: a fresh hub compiles its hot paths and
   * opens its database connections in its first seconds, which is not its steady state.
   */
  warmupSeconds: number;
}

/** Kiosks and boards connected to the hubs, ready to press at one rate after another. */
export interface LoadSession {
  connections: number;
  kioskConnections: number;
  boardConnections: number;
  connectSeconds: number;
  press(step: PressStep): Promise<StepResult>;
  close(): void;
}

export type StepResult = Omit<LoadResult, 'connections' | 'kioskConnections' | 'boardConnections' | 'connectSeconds'>;

/** Connects every board, then every kiosk (staggered, `connectWindow` handshakes at a time). */
export async function connectLoad(
  plan: Omit<LoadPlan, keyof PressStep>,
  log: (line: string) => void,
): Promise<LoadSession> {
  // Cumulative over steps: a board is told running totals, so the n-th press of a touchpoint is
  // the n-th ever sent, whichever step sent it.
  const sends = new SendLog();
  const timing = { latencies: [] as number[], crossHub: [] as number[] };
  // A touchpoint is pressed from one hub only (the plan gives each hub its own), so its key tells
  // where a press came from.
  const touchpointHub = new Map(plan.kiosks.map((k) => [countKey(k.venueId, k.touchpointId), k.hub]));
  const boards: BoardSocket[] = [];
  const watches: BoardWatch[] = [];
  const kiosks: KioskSocket[] = [];
  const close = () => {
    for (const socket of [...kiosks, ...boards]) socket.disconnect();
  };
  let disconnects = 0;
  try {
    const connectStarted = performance.now();
    for (const board of plan.boards) {
      const socket = await connectBoard(plan.hubs[board.hub]!, board.venueId, board.token);
      const watch = new BoardWatch(board.venueId, board.hub, sends, touchpointHub, timing);
      socket.on('touchpoint.counts', ({ touchpoints }) => watch.onCounts(touchpoints, performance.now()));
      socket.on('disconnect', () => (disconnects += 1));
      boards.push(socket);
      watches.push(watch);
    }
    log(
      `${boards.length} boards connected; ` +
        `connecting ${plan.kiosks.length} kiosks, ${plan.connectWindow} handshakes at a time`,
    );
    let connectedCount = 0;
    const progress = setInterval(() => log(`${connectedCount} kiosks connected`), 2000);
    try {
      kiosks.push(
        ...(await inWindows(plan.kiosks, plan.connectWindow, async (kiosk) => {
          const socket = await connectKiosk(plan.hubs[kiosk.hub]!, kiosk);
          socket.on('disconnect', () => (disconnects += 1));
          connectedCount += 1;
          return socket;
        })),
      );
    } finally {
      clearInterval(progress);
    }
    const connectSeconds = (performance.now() - connectStarted) / 1000;
    log(`${kiosks.length + boards.length} connections in ${connectSeconds.toFixed(2)} s`);
    const seqs = new Uint32Array(kiosks.length);
    let next = 0;

    const press = async (step: PressStep): Promise<StepResult> => {
      timing.latencies = [];
      timing.crossHub = [];
      const disconnectsBefore = disconnects;
      // Presses at a fixed rate, round-robin over the kiosks, each its own one-event batch.
      const warmup = Math.round(step.rate * step.warmupSeconds);
      const total = warmup + Math.round(step.rate * step.seconds);
      const payloadVersion = latestVersion('feedback.pressed');
      let sent = 0;
      let acked = 0;
      let refused = 0;
      const refusals = new Map<string, number>();
      const answers: Promise<void>[] = [];
      const sendStarted = performance.now();
      await new Promise<void>((resolve) => {
        const tick = setInterval(() => {
          const due = Math.min(total, Math.floor(((performance.now() - sendStarted) / 1000) * step.rate));
          while (sent < due) {
            if (sent === warmup) sends.startTiming();
            const index = next++ % kiosks.length;
            const kiosk = plan.kiosks[index]!;
            seqs[index] = seqs[index]! + 1;
            const event = {
              id: newEventId(),
              type: 'feedback.pressed' as const,
              v: payloadVersion,
              venueId: kiosk.venueId,
              deviceId: kiosk.deviceId,
              seq: seqs[index]!,
              occurredAt: Date.now(),
              payload: {
                touchpointId: kiosk.touchpointId,
                level: ((sent % 4) + 1) as 1 | 2 | 3 | 4,
                source: 'simulated' as const,
                misuse: false,
              },
            };
            sends.record(countKey(kiosk.venueId, kiosk.touchpointId), performance.now());
            answers.push(
              kiosks[index]!.timeout(30_000)
                .emitWithAck('events.batch', { events: [event], clockOffsetMs: 0 })
                .then(
                  (reply: BatchOk | BatchFailure) => {
                    if (reply.ok) acked += 1;
                    else {
                      refused += 1;
                      refusals.set(reply.code, (refusals.get(reply.code) ?? 0) + 1);
                    }
                  },
                  (error: Error) => {
                    refused += 1;
                    refusals.set(error.message, (refusals.get(error.message) ?? 0) + 1);
                  },
                ),
            );
            sent += 1;
          }
          if (sent >= total) {
            clearInterval(tick);
            resolve();
          }
        }, 2);
      });
      const sendSeconds = (performance.now() - sendStarted) / 1000;
      log(
        `sent ${sent} presses (${warmup} of them untimed warm-up) in ${sendSeconds.toFixed(2)} s ` +
          `(target ${step.rate}/s); waiting for acks and boards`,
      );
      await Promise.all(answers);
      if (refusals.size > 0) log(`refused: ${JSON.stringify(Object.fromEntries(refusals))}`);
      const deadline = performance.now() + 20_000;
      while (watches.some((w) => w.unseen() > 0) && performance.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
      const unseen = Math.max(0, ...watches.map((w) => w.unseen()));

      const latencies = timing.latencies.sort((a, b) => a - b);
      const crossHub = timing.crossHub.sort((a, b) => a - b);
      return {
        sent,
        acked,
        sendSeconds: round(sendSeconds, 2),
        eventsPerSec: Math.round(sent / sendSeconds),
        samples: latencies.length,
        p50Ms: round(percentile(latencies, 50), 2),
        p99Ms: round(percentile(latencies, 99), 2),
        maxMs: round(latencies[latencies.length - 1] ?? Number.NaN, 2),
        crossHubSamples: crossHub.length,
        crossHubP50Ms: round(percentile(crossHub, 50), 2),
        crossHubP99Ms: round(percentile(crossHub, 99), 2),
        lost: Math.max(unseen, sent - acked),
        refused,
        disconnects: disconnects - disconnectsBefore,
      };
    };
    return {
      connections: kiosks.length + boards.length,
      kioskConnections: kiosks.length,
      boardConnections: boards.length,
      connectSeconds: round(connectSeconds, 2),
      press,
      close,
    };
  } catch (error) {
    close();
    throw error;
  }
}

/** Connects, presses at one rate, disconnects. */
export async function runLoad(plan: LoadPlan, log: (line: string) => void): Promise<LoadResult> {
  const session = await connectLoad(plan, log);
  try {
    const { press, close, ...connected } = session;
    return { ...connected, ...(await press(plan)) };
  } finally {
    session.close();
  }
}

/** Resident memory of a process, now and at its peak (Linux /proc), in MB. */
export function processMemoryMb(pid: number | undefined): { rssMb: number; peakRssMb: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rssMb: round(kb('VmRSS') / 1024), peakRssMb: round(kb('VmHWM') / 1024) };
  } catch {
    return { rssMb: Number.NaN, peakRssMb: Number.NaN };
  }
}

/**
 * Open-file limit of this process (each connection is a file descriptor here and one in the hub,
 * which inherits the limit). A process cannot raise its own limit from Node, so a low limit stops
 * the run with the command that raises it.
 */
export function requireOpenFiles(needed: number): number {
  let soft = Number.POSITIVE_INFINITY;
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const value = line?.split(/\s{2,}/)[1];
    if (value && value !== 'unlimited') soft = Number(value);
  } catch {
    return Number.NaN; // not Linux: let the connections tell
  }
  if (soft < needed)
    throw new Error(
      `this run needs about ${needed} open files but the limit is ${soft}: ` +
        `run "ulimit -n ${Math.max(needed, 20000)}" in this shell first`,
    );
  return soft;
}
