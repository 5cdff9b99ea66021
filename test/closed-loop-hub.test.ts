import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { describe, expect } from 'vitest';
import type { Task } from '../core/alerts/tasks.ts';
import type { BoardServerToClient, BoardSnapshot, PublicNoteView } from '../core/protocol.ts';
import type { Venue } from '../core/venue.ts';
import { LocalStore } from '../kiosk/local-store.ts';
import { SyncClient } from '../kiosk/sync-client.ts';
import { signedInUser, startTestHub, syncingKioskStore, TEST_VENUE } from './support/fixtures.ts';
import { waitFor } from './support/wait.ts';
import { type Cleanup, test } from './support/test-fixtures.ts';

const MIN = 60_000;

/** A webhook receiver on loopback: every body it was sent, parsed. */
async function webhookReceiver(cleanups: Cleanup[]) {
  const bodies: { task: Task; escalatedTo?: unknown }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      bodies.push(JSON.parse(body));
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/tasks`, bodies };
}

/** The closed loop through a real hub on a clock moved by hand: devices, escalation, notes, the programme. */
describe('the closed loop', () => {
  test('escalates a device task up its chain to the named manager, closes it once back, tells customers', async ({
    cleanups,
    dir,
  }) => {
    const receiver = await webhookReceiver(cleanups);
    let now = Date.now();
    const hub = await startTestHub({
      file: join(dir, 'hub.db'),
      clock: { now: () => now },
      venue: {
        ...TEST_VENUE,
        webhooks: [{ url: receiver.url, secret: 'a-webhook-secret-of-some-length' }],
        analytics: {
          alertRules: [{ kind: 'device-down', afterMin: 0 }],
          taskPolicy: { ackWithinMin: 5, resolveWithinMin: 10 },
          escalation: { manager: 'Ms Yoon', chains: { operations: ['Duty technician'] } },
        },
      },
    });
    cleanups.push(() => hub.close());
    const token = await hub.addKiosk('k1');
    const kiosk = syncingKioskStore(hub, { file: join(dir, 'k1.db'), deviceId: 'k1', token }, cleanups);

    kiosk.append('device.status', { component: 'printer', state: 'offline', detail: 'cover open' });
    now += MIN; // the hub's clock past the kiosk's report
    const opened = await waitFor(
      async () => {
        await hub.alerts.check('venue-a');
        return (await hub.store.tasks('venue-a')).find((t) => t.causeKey === 'device-down:device:k1/printer');
      },
      { what: 'the device task' },
    );
    expect(opened).toMatchObject({
      state: 'open',
      owner: 'operations',
      escalation: 0,
      facts: { deviceId: 'k1/printer' },
    });

    // Not acknowledged in 5 minutes: the department's first person; not fixed in 10: the venue's manager.
    now = opened.openedAt + 6 * MIN;
    await hub.alerts.check('venue-a');
    now = opened.openedAt + 11 * MIN;
    await hub.alerts.check('venue-a');
    const escalations = await waitFor(
      () => {
        const found = receiver.bodies.filter((b) => b.task.id === opened.id && b.task.escalation > 0);
        return found.length === 2 ? found : undefined;
      },
      { what: 'both escalations at the webhook' },
    );
    expect(escalations.map((b) => [b.task.escalation, b.escalatedTo]).sort()).toEqual([
      [1, { name: 'Duty technician', manager: false }],
      [2, { name: 'Ms Yoon', manager: true }],
    ]);

    // The printer is back: the task closes itself and stays in the venue's history.
    kiosk.append('device.status', { component: 'printer', state: 'ready' });
    const closed = await waitFor(
      async () => {
        await hub.alerts.check('venue-a');
        const task = (await hub.store.tasks('venue-a')).find((t) => t.id === opened.id);
        return task?.state === 'verified' ? task : undefined;
      },
      { what: 'the task closing itself' },
    );
    expect(closed).toMatchObject({ autoResolved: true, resolvedAt: now, verifiedAt: now, escalation: 2 });
    expect((await hub.store.tasks('venue-a')).filter((t) => t.rule === 'device-down')).toHaveLength(1);

    // A manager tells customers what changed; boards show it for its days.
    const manager = await signedInUser(hub, { username: 'boss', role: 'manager' });
    const staff = await signedInUser(hub, { username: 'mina', role: 'staff' });
    const board: Socket<BoardServerToClient> = io(`${hub.url}/board`, {
      auth: { venueId: 'venue-a', token: await hub.venues.newBoardToken('venue-a') },
      transports: ['websocket'],
      forceNew: true,
    });
    cleanups.push(() => void board.disconnect());
    const pushed: PublicNoteView[][] = [];
    board.on('notes', (notes) => pushed.push(notes));
    const first = await new Promise<BoardSnapshot>((resolve) => board.once('snapshot', resolve));
    expect(first.notes).toEqual([]);
    // A kiosk's sync client hears the notes at its hello and when they change (its idle screen shows them).
    const k2Store = new LocalStore(join(dir, 'k2.db'), { venueId: 'venue-a', deviceId: 'k2' });
    const k2 = new SyncClient({ hubUrl: hub.url, deviceId: 'k2', token: await hub.addKiosk('k2'), store: k2Store });
    const kioskHeard: PublicNoteView[][] = [];
    k2.on('notes', (notes) => kioskHeard.push(notes));
    k2.start();
    cleanups.push(async () => {
      await k2.stop();
      k2Store.close();
    });
    await waitFor(() => kioskHeard[0], { what: 'the notes at the kiosk hello' });
    expect(kioskHeard[0]).toEqual([]);
    const note = (session: string, body: unknown, taskId = opened.id) =>
      fetch(`${hub.url}/api/venues/venue-a/tasks/${taskId}/public-note`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${session}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const text = {
      ko: '인쇄가 멈춘다고 하셨죠. 프린터를 교체했습니다.',
      zh: '您说取号打印会停，我们更换了打印机。',
      en: 'You said the ticket printer stopped; we replaced it.',
    };
    expect((await note(staff, { text, days: 7 })).status).toBe(403);
    const bad = await note(manager, { text: { ...text, zh: '' }, days: 0 });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid-request' } });
    const saved = (await (await note(manager, { text, days: 7 })).json()) as Task;
    expect(saved.publicNote).toEqual({ text, until: now + 7 * 24 * 60 * MIN });
    const shown = await waitFor(() => pushed.at(-1), { what: 'the note pushed to the board' });
    expect(shown).toEqual([{ taskId: opened.id, note: saved.publicNote }]);
    await waitFor(() => (kioskHeard.length > 1 ? true : undefined), { what: 'the note pushed to the kiosk' });
    expect(kioskHeard.at(-1)).toEqual(shown);

    // Only a verified fix is announced.
    kiosk.append('device.status', { component: 'printer', state: 'offline' });
    now += MIN;
    const again = await waitFor(
      async () => {
        await hub.alerts.check('venue-a');
        return (await hub.store.tasks('venue-a')).find((t) => t.rule === 'device-down' && t.state === 'open');
      },
      { what: 'a new task for the next outage' },
    );
    const early = await note(manager, { text, days: 7 }, again.id);
    expect(early.status).toBe(409);
    expect(await early.json()).toMatchObject({ error: { code: 'task-state' } });
  });

  test("lets a venue's manager run its programme, versioned, while webhooks stay with admins", async ({
    cleanups,
    dir,
  }) => {
    const hub = await startTestHub({
      file: join(dir, 'hub.db'),
      venue: {
        ...TEST_VENUE,
        services: [{ id: 'loans', name: { ko: '대출', zh: '贷款', en: 'Loans' } }],
        webhooks: [{ url: 'http://127.0.0.1:9/tasks', secret: 'a-webhook-secret-of-some-length' }],
      },
    });
    cleanups.push(() => hub.close());
    const manager = await signedInUser(hub, { username: 'boss', role: 'manager' });
    const staff = await signedInUser(hub, { username: 'mina', role: 'staff' });
    const put = (path: string, session: string, body: unknown) =>
      fetch(`${hub.url}/api/venues/venue-a${path}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${session}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const programme = {
      analytics: {
        experienceScale: { 1: -4, 2: -1, 3: 1, 4: 4 },
        attributionWindowMin: 20,
        alertRules: [
          { kind: 'unhappy-share', windowMin: 20, minVolume: 8, maxShare: 0.3 },
          { kind: 'praise', run: 6 },
        ],
        taskPolicy: { ackWithinMin: 30, resolveWithinMin: 480 },
        escalation: { manager: 'Ms Yoon', chains: { 'loans-desk': ['Team lead'] } },
      },
      serviceOwners: { loans: 'loans-desk' },
    };
    expect((await put('/programme', staff, programme)).status).toBe(403);
    // An inverted scale is refused with the reason, and nothing is saved.
    const inverted = await put('/programme', manager, {
      analytics: { experienceScale: { 1: 4, 2: 1, 3: -1, 4: -4 } },
    });
    expect(inverted.status).toBe(400);
    expect(await inverted.json()).toMatchObject({ error: { code: 'invalid-request' } });
    expect((await hub.store.getVenue('venue-a'))!.version).toBe(1);

    const response = await put('/programme', manager, programme);
    expect(response.status).toBe(200);
    const saved = (await response.json()) as Venue;
    expect(saved).toMatchObject({ version: 2, services: [{ id: 'loans', owner: 'loans-desk' }] });
    expect(saved.analytics.alertRules).toEqual([
      { kind: 'unhappy-share', windowMin: 20, minVolume: 8, maxShare: 0.3 },
      { kind: 'praise', windowMin: 60, minVolume: 20, minIndex: 60, run: 6 },
    ]);
    expect('webhooks' in saved).toBe(false);
    // Versioned like the journey map; the webhooks the admin set are kept, and stay admin-only.
    const stored = await hub.store.getVenue('venue-a');
    expect(stored!.webhooks).toHaveLength(1);
    expect((await hub.store.venueVersions('venue-a')).map((v) => v.version)).toEqual([2, 1]);
    const asManager = await put('', manager, { ...stored, webhooks: [] });
    expect(asManager.status).toBe(403);
    expect((await put('/programme', manager, { ...programme, serviceOwners: { nowhere: 'x' } })).status).toBe(400);
  });
});
