import Database from 'better-sqlite3';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { VenueInput } from '../../core/venue.ts';
import { LocalStore } from '../../kiosk/local-store.ts';
import { SyncClient } from '../../kiosk/sync-client.ts';
import { reportFigures } from './chaos.ts';
import type { Cleanup } from './test-fixtures.ts';
import { provisionHubFile, tempDir, TEST_VENUE } from './fixtures.ts';
import { restartableHub } from './processes.ts';
import { waitFor } from './wait.ts';

const ZONES_BEFORE_KILL = ['zone-1', 'zone-2', 'zone-3', 'zone-4'];
const ZONES_WHILE_DOWN = ['zone-5', 'zone-6'];
const SECRET = 'a-webhook-secret-of-some-length';

interface Received {
  deliveryId: string;
  taskId: string;
  /** The status answered, or 0 for an attempt held open (never answered). */
  answered: number;
}

/**
 * A receiver on loopback that fails the first attempt of every delivery (answers 503, or holds it
 * open without an answer) and accepts the rest.
 */
async function flakyReceiver(firstAttempt: FirstAttempt, cleanups: Cleanup[]) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const deliveryId = String(req.headers['x-waitwell-delivery']);
      const first = !received.some((r) => r.deliveryId === deliveryId);
      const answered = !first ? 200 : firstAttempt === 'fail' ? 503 : 0;
      received.push({ deliveryId, taskId: (JSON.parse(body) as { task: { id: string } }).task.id, answered });
      if (answered === 0) return;
      res.statusCode = answered;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/tasks`, received };
}

/** How the receiver treats the first attempt of each delivery before the hub is killed. */
export type FirstAttempt = 'fail' | 'hold';

/**
 * Fault injection (README "Reliability"): tasks open from bad presses and their webhook deliveries
 * are attempted once; the receiver fails each first attempt (`fail`: the delivery then waits in the
 * outbox for its retry) or holds it open (`hold`: the hub dies mid-attempt, its claim on the
 * delivery lapses after the lease). The hub process is SIGKILLed then; more tasks open from presses
 * the kiosk records while it is down. After the restart every task reaches the receiver, each
 * under one delivery id, retries keeping that id; none is lost, no task opened twice.
 */
export async function killHubDuringDeliveries(firstAttempt: FirstAttempt, cleanups: Cleanup[]): Promise<void> {
  const receiver = await flakyReceiver(firstAttempt, cleanups);
  const dir = tempDir();
  cleanups.push(() => dir.remove());
  const zones = [...ZONES_BEFORE_KILL, ...ZONES_WHILE_DOWN];
  const venue: VenueInput = {
    ...TEST_VENUE,
    touchpoints: zones.map((id) => ({ id, name: { ko: id, zh: id, en: id }, owner: 'facilities' })),
    webhooks: [{ url: receiver.url, secret: SECRET }],
    analytics: { alertRules: [{ kind: 'unhappy-share', windowMin: 30, minVolume: 5, maxShare: 0.4 }] },
  };
  const hubFile = join(dir.path, 'hub.db');
  const tokens = await provisionHubFile(hubFile, venue, ['k1']);
  const hub = await restartableHub(hubFile, cleanups);
  await hub.start();

  const store = new LocalStore(join(dir.path, 'k1.db'), { venueId: venue.id, deviceId: 'k1' });
  const sync = new SyncClient({
    hubUrl: hub.url,
    deviceId: 'k1',
    token: tokens.get('k1')!,
    store,
    backoff: { baseMs: 50, maxMs: 300, jitter: 0.5 },
  });
  sync.start();
  cleanups.push(async () => {
    await sync.stop();
    store.close();
  });
  const complain = (touchpointId: string) => {
    for (let i = 0; i < 6; i += 1) store.append('feedback.pressed', { touchpointId, level: 1, source: 'serial' });
  };

  const outbox = new Database(hubFile, { readonly: true, fileMustExist: true });
  cleanups.push(() => void outbox.close());
  const deliveries = () =>
    outbox
      .prepare<[], { id: string; state: string; attempts: number; next_attempt_at: number }>(
        'SELECT id, state, attempts, next_attempt_at FROM webhook_deliveries ORDER BY id',
      )
      .all();

  for (const zone of ZONES_BEFORE_KILL) complain(zone);
  // fail: each delivery failed once and waits, in the hub's store, for its retry (5 s later at
  // the soonest). hold: the hub is in the middle of attempts the receiver holds open (the others
  // wait for the outbox's next pass, which starts when this one ends).
  const caught = (d: ReturnType<typeof deliveries>[number]) =>
    d.state === 'pending' &&
    (firstAttempt === 'fail'
      ? d.attempts === 1 && d.next_attempt_at > Date.now()
      : d.attempts === 0 && receiver.received.some((r) => r.deliveryId === d.id));
  const waiting = await waitFor(
    () => {
      const rows = deliveries();
      const caughtRows = rows.filter(caught);
      const enough = firstAttempt === 'fail' ? caughtRows.length === rows.length : caughtRows.length > 0;
      return rows.length === ZONES_BEFORE_KILL.length && enough ? caughtRows : undefined;
    },
    { what: `the deliveries' first attempts to ${firstAttempt === 'fail' ? 'fail' : 'be held open'}` },
  );
  const killedAt = Date.now();
  await hub.kill('SIGKILL');
  const retriedBeforeKill = receiver.received.filter((r) => r.answered === 200).length;

  // The kiosk keeps recording complaints while the hub is down.
  for (const zone of ZONES_WHILE_DOWN) complain(zone);
  await hub.start();
  await waitFor(() => sync.contiguousSeq === store.lastSeq, { what: 'the kiosk to sync with the restarted hub' });
  const settled = await waitFor(
    () => {
      const rows = deliveries();
      return rows.length === zones.length && rows.every((d) => d.state === 'delivered') ? rows : undefined;
    },
    // hold: the dead hub's claim lapses first (the outbox's lease, a minute).
    { what: 'every delivery to be delivered after the restart', timeoutMs: 120_000 },
  );

  const tasks = outbox
    .prepare<[], { id: string; cause_key: string }>('SELECT id, cause_key FROM tasks ORDER BY id')
    .all();
  const accepted = receiver.received.filter((r) => r.answered === 200);
  const deliveryIdsOfTask = new Map<string, Set<string>>();
  for (const r of receiver.received)
    deliveryIdsOfTask.set(r.taskId, (deliveryIdsOfTask.get(r.taskId) ?? new Set()).add(r.deliveryId));
  const context = reportFigures(
    `hub SIGKILL ${firstAttempt === 'fail' ? 'between webhook attempt and retry' : 'mid webhook attempt'}`,
    {
      kills: 1,
      tasks: tasks.length,
      deliveriesWaitingAtKill: waiting.length,
      killToAllDeliveredMs: Date.now() - killedAt,
      attempts: receiver.received.length,
      accepted: accepted.length,
      retriedBeforeKill,
    },
  );
  // One task per complaining zone: the restart opened none twice.
  expect(tasks.map((t) => t.cause_key).sort(), context).toEqual(zones.map((z) => `unhappy-share:${z}`).sort());
  // Every task reached the receiver; each under one delivery id, the failed attempt's id kept on the retry.
  expect(new Set(accepted.map((r) => r.taskId)), context).toEqual(new Set(tasks.map((t) => t.id)));
  expect(
    [...deliveryIdsOfTask.values()].map((ids) => ids.size),
    context,
  ).toEqual(tasks.map(() => 1));
  expect(new Set(settled.map((d) => d.id)), context).toEqual(new Set(receiver.received.map((r) => r.deliveryId)));
  // The deliveries caught at the kill were retried by the restarted hub, not before.
  expect(retriedBeforeKill, context).toBe(0);
  // Each delivery: its failed or held first attempt, then one accepted retry; nothing twice.
  for (const { id } of settled)
    expect(
      receiver.received.filter((r) => r.deliveryId === id).map((r) => r.answered),
      context,
    ).toEqual([firstAttempt === 'fail' ? 503 : 0, 200]);
}
