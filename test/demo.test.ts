import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { describe, expect } from 'vitest';
import { newEventId } from '../core/ids.ts';
import type { StaffClientToServer, StaffServerToClient } from '../core/protocol.ts';
import type { QueueEvent } from '../core/queue/types.ts';
import { DemoActivity } from '../bin/demo-activity.ts';
import { freePortFrom } from '../bin/free-port.ts';
import { DEMO_CLERK_COUNTERS, DEMO_PACE, DEMO_PERSON_COUNTER, DEMO_VENUE } from '../bin/demo-venue.ts';
import { signedInUser } from './support/fixtures.ts';
import { spawnWaitwell } from './support/processes.ts';
import { waitFor } from './support/wait.ts';
import { test } from './support/test-fixtures.ts';

const counterOf = (event: QueueEvent) => ('counterId' in event ? event.counterId : undefined);

async function connected(socket: Socket): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
}

describe('the demo', () => {
  test.override({ hubOptions: { venue: DEMO_VENUE } });

  test("sends the last run's customers home, and a clerk steps aside while a person works their counter", async ({
    cleanups,
    hub,
  }) => {
    const issue = () =>
      hub.queues.commands.execute('demo', {
        type: 'issue',
        ticketId: newEventId(),
        serviceId: 'deposits',
        postedWaitMin: 0,
      });
    const leftOver = [await issue(), await issue()];

    // A fast day: services of a couple of seconds instead of minutes; no kiosks, tickets come from here.
    const log: string[] = [];
    // arrivals switched off by a rate of ~0: a draw past setTimeout's range must not fire at once, every ms
    const overflows: string[] = [];
    const onWarning = (warning: Error) => warning.name === 'TimeoutOverflowWarning' && overflows.push(warning.message);
    process.on('warning', onWarning);
    cleanups.push(() => void process.off('warning', onWarning));
    const venue = (await hub.store.getVenue('demo'))!;
    const activity = new DemoActivity(hub, venue, [], (line) => log.push(line), {
      clerkCounters: DEMO_CLERK_COUNTERS,
      pace: { ...DEMO_PACE, openingLine: 0, arrivalsPerMin: 1e-6, timeScale: 0.01 },
    });
    cleanups.push(() => activity.stop());
    await activity.start();
    const ids = leftOver.map((r) => (r.ok && r.ticket ? r.ticket.ticketId : ''));
    expect((await hub.queues.reads.tickets('demo', ids)).map((t) => t.status)).toEqual(['cancelled', 'cancelled']);
    for (let i = 0; i < 30; i += 1) await issue();
    const events = () => hub.store.queueEvents('demo');
    const served = async (counterId: string) =>
      (await events()).filter((e) => e.type === 'ticket.served' && counterOf(e) === counterId).length;
    await waitFor(async () => (await served('counter-1')) >= 2 && (await served('counter-2')) >= 2, {
      what: 'both clerks serving',
    });

    // A person signs in to the staff console and works counter-1.
    const session = await signedInUser(hub, { username: 'mina', role: 'staff', venueIds: ['demo'] });
    const staff: Socket<StaffServerToClient, StaffClientToServer> = io(`${hub.url}/staff`, {
      auth: { venueId: 'demo', session },
      transports: ['websocket'],
    });
    cleanups.push(() => void staff.close());
    await connected(staff as Socket);
    // The clerks may have emptied the line during a slow sign-in: customers for the person and the other clerk.
    for (let i = 0; i < 10; i += 1) await issue();
    await staff.emitWithAck('queue.command', { type: 'serve', counterId: 'counter-1' });
    const mine = await staff.emitWithAck('queue.command', { type: 'call-next', counterId: 'counter-1' });
    expect(mine.ok).toBe(true);
    const personVersion = mine.ok ? mine.version : 0;
    expect(log).toContain('demo: a person is working counter-1; its simulated clerk steps aside');

    // The other clerk goes on serving; counter-1's ticket stays with the person, untouched.
    const servedBefore = await served('counter-2');
    await waitFor(async () => (await served('counter-2')) >= servedBefore + 3, { what: 'counter-2 serving on' });
    const after = (await events()).slice(personVersion);
    expect(after.filter((e) => counterOf(e) === 'counter-1')).toEqual([]);
    expect((await events()).filter((e) => counterOf(e) === DEMO_PERSON_COUNTER)).toEqual([]);
    expect(overflows).toEqual([]);
  });

  test('keeps the board link and the kiosk ports across a restart', async ({ cleanups, dir }) => {
    const links = async (args: string[]) => {
      const demo = spawnWaitwell(['demo', '--data', dir, ...args]);
      cleanups.push(() => demo.kill());
      const [, board] = await demo.waitForLine(/Live board:\s+(\S+)/, 60_000);
      const [, kiosks] = await demo.waitForLine(/Kiosk screens:\s+(\S+\s+\S+)/);
      return { demo, board: board!, kiosks: kiosks! };
    };
    // Below the ephemeral range, where the demo puts its screens next to the hub.
    const first = await links(['--port', String(await freePortFrom(20_000 + Math.floor(Math.random() * 10_000)))]);
    await first.demo.kill('SIGINT');
    const again = await links([]);
    expect(again.board).toBe(first.board);
    expect(again.kiosks).toBe(first.kiosks);

    // The TV left on the old link connects to the restarted hub.
    const url = new URL(again.board);
    const board = io(`${url.origin}/board`, {
      auth: { venueId: url.searchParams.get('venue'), token: url.hash.replace('#token=', '') },
      transports: ['websocket'],
    });
    cleanups.push(() => void board.close());
    await connected(board);
    for (const kiosk of again.kiosks.split(/\s+/))
      await waitFor(() => fetch(`${kiosk}local/status`).then((r) => r.ok), { what: `the kiosk at ${kiosk}` });
  }, 180_000);

  // npm start runs `npm run build:renderer && exec node … demo`: with exec the demo is npm's own
  // child, so a signal sent to npm alone (a service manager's SIGTERM) reaches it and it stops its kiosks.
  test.for(['SIGTERM', 'SIGINT'] as const)(
    'stops whole when npm start alone gets %s',
    { timeout: 240_000 },
    async (signal, { cleanups, dir }) => {
      const npm = spawn('npm', ['start', '--', '--data', dir, '--port', '0'], {
        cwd: join(import.meta.dirname, '..'),
        // Its screens are built beside its data: dist/renderer stays whole for the tests serving it.
        env: { ...process.env, WAITWELL_RENDERER_OUT: join(dir, 'renderer') },
        detached: true, // a group of its own, as under a service manager: nothing else signals it
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const group = npm.pid!;
      cleanups.push(() => {
        try {
          process.kill(-group, 'SIGKILL');
        } catch {}
      });
      let output = '';
      npm.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      npm.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      await waitFor(() => output.includes('is running'), { what: 'the demo running', timeoutMs: 150_000 });
      const exited = new Promise((resolve) => npm.once('exit', resolve));
      process.kill(group, signal);
      await exited;
      expect(output).toContain('stopped.');
      // Nothing of the demo is left: not the demo, not a kiosk.
      await waitFor(
        () => {
          try {
            process.kill(-group, 0);
            return false;
          } catch {
            return true;
          }
        },
        { what: 'every process of the demo gone' },
      );
    },
  );
});
