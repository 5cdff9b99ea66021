import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { describe, expect } from 'vitest';
import type { Task } from '../core/alerts/tasks.ts';
import type { ManageServerToClient, StaffClientToServer, StaffServerToClient } from '../core/protocol.ts';
import { signedInUser, startTestHub, syncingKioskStore, TEST_VENUE } from './support/fixtures.ts';
import { waitFor } from './support/wait.ts';
import { test } from './support/test-fixtures.ts';

const SECRET = 'a-webhook-secret-of-some-length';

/** The closed loop through the real hub: bad presses -> one task -> staff, webhook, follow-up. */
describe('tasks from bad moments', () => {
  test('opens one task for the owner, pushes it live and to a signed webhook, and follows it to verified', async ({
    cleanups,
    dir,
  }) => {
    const received: { headers: IncomingHttpHeaders; body: string }[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

    const venue = {
      ...TEST_VENUE,
      touchpoints: [
        ...TEST_VENUE.touchpoints,
        { id: 'restroom', name: { ko: '화장실', zh: '洗手间', en: 'Restroom' }, owner: 'facilities' },
      ],
      webhooks: [{ url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/tasks`, secret: SECRET }],
      // A scale of its own: the effect check must score on it, as the venue's analytics do.
      analytics: { experienceScale: { 1: -4, 2: -1, 3: 1, 4: 4 } },
    };
    const hub = await startTestHub({ file: join(dir, 'hub.db'), venue });
    cleanups.push(() => hub.close());
    const staffSession = await signedInUser(hub, { username: 'mina', role: 'staff' });
    const managerSession = await signedInUser(hub, { username: 'boss', role: 'manager' });

    const staff: Socket<StaffServerToClient, StaffClientToServer> = io(`${hub.url}/staff`, {
      auth: { venueId: 'venue-a', session: staffSession },
      transports: ['websocket'],
    });
    cleanups.push(() => void staff.disconnect());
    const pushed: Task[] = [];
    staff.on('task.updated', (task) => pushed.push(task));
    await new Promise<void>((resolve) => staff.once('welcome', () => resolve()));

    const manage: Socket<ManageServerToClient> = io(`${hub.url}/manage`, {
      auth: { venueId: 'venue-a', session: managerSession },
      transports: ['websocket'],
    });
    cleanups.push(() => void manage.disconnect());
    const managerSees: Task[] = [];
    manage.on('task.updated', (task) => managerSees.push(task));
    await new Promise<void>((resolve) => manage.once('welcome', () => resolve()));
    // /manage is for managers: a staff session is turned away at the door.
    const notManager = io(`${hub.url}/manage`, {
      auth: { venueId: 'venue-a', session: staffSession },
      transports: ['websocket'],
    });
    cleanups.push(() => void notManager.disconnect());
    expect(
      await new Promise<{ data?: { code: string } }>((resolve) => notManager.once('connect_error', resolve)),
    ).toMatchObject({ data: { code: 'forbidden-role' } });

    const token = await hub.addKiosk('k1');
    const store = syncingKioskStore(hub, { file: join(dir, 'k1.db'), deviceId: 'k1', token }, cleanups);
    // 8 of 10 unhappy at the restroom: over the 40% limit with enough volume.
    for (const level of [1, 1, 2, 1, 4, 1, 2, 1, 3, 1] as const)
      store.append('feedback.pressed', { touchpointId: 'restroom', level, source: 'serial' });

    const opened = await waitFor(() => pushed.find((t) => t.causeKey === 'unhappy-share:restroom'), {
      what: 'the task pushed to staff',
    });
    expect(opened).toMatchObject({
      state: 'open',
      owner: 'facilities',
      subject: 'restroom',
      summary: '80% of 10 presses at restroom in the last 30 min were unhappy (limit 40%)',
      // the same numbers for screens to say in their language
      facts: { share: 80, presses: 10, windowMin: 30, limit: 40 },
    });
    await waitFor(() => managerSees.find((t) => t.id === opened.id), { what: 'the manager seeing it live' });
    const hook = await waitFor(() => received[0], { what: 'the webhook' });
    expect(hook.headers['x-waitwell-signature']).toBe(
      `sha256=${createHmac('sha256', SECRET).update(hook.body).digest('hex')}`,
    );
    expect(JSON.parse(hook.body)).toMatchObject({ venueId: 'venue-a', task: { id: opened.id, state: 'open' } });

    // More bad presses while it is open: the same task, not a second one. They are pressed once
    // the hub's clock is well past the opening, so the kiosk's clock correction (good to a few ms,
    // half a round trip) cannot place one before it and into the effect check's "before" window.
    await waitFor(() => (Date.now() > opened.openedAt + 250 ? true : undefined), {
      what: 'the clock to move past the opening',
    });
    for (let i = 0; i < 5; i += 1)
      store.append('feedback.pressed', { touchpointId: 'restroom', level: 1, source: 'serial' });
    await waitFor(async () => ((await hub.store.deviceEvents('k1')).length === 15 ? true : undefined), {
      what: 'all presses stored',
    });
    await hub.alerts.check('venue-a');
    expect((await hub.store.tasks('venue-a')).filter((t) => t.causeKey === 'unhappy-share:restroom')).toHaveLength(1);

    const act = (action: string, session: string) =>
      fetch(`${hub.url}/api/venues/venue-a/tasks/${opened.id}/${action}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${session}` },
      });
    expect((await (await act('acknowledge', staffSession)).json()) as Task).toMatchObject({ state: 'acknowledged' });
    const early = await act('verify', managerSession);
    expect(early.status).toBe(409);
    expect(await early.json()).toMatchObject({ error: { code: 'task-state' } });
    expect((await act('resolve', staffSession)).status).toBe(200);
    expect((await act('verify', staffSession)).status).toBe(403);
    expect((await (await act('verify', managerSession)).json()) as Task).toMatchObject({ state: 'verified' });
    await waitFor(() => pushed.find((t) => t.id === opened.id && t.state === 'verified'), {
      what: 'staff seeing it verified',
    });
    // The fifteen unhappy presses all came before the fix: they do not reopen the verified task.
    await hub.alerts.check('venue-a');
    expect((await hub.store.tasks('venue-a')).filter((t) => t.causeKey === 'unhappy-share:restroom')).toEqual([
      expect.objectContaining({ id: opened.id, state: 'verified' }),
    ]);

    const detail = (await (
      await fetch(`${hub.url}/api/venues/venue-a/tasks/${opened.id}`, {
        headers: { authorization: `Bearer ${staffSession}` },
      })
    ).json()) as Task & { effect: unknown };
    // Before: the ten presses that opened it, levels 1 1 2 1 4 1 2 1 3 1 on the venue's scale
    // (-4 -4 -1 -4 +4 -4 -1 -4 +1 -4) / 10; after the fix: nothing yet, so no verdict.
    expect(detail.effect).toEqual({
      verdict: 'not-enough-data',
      experience: { before: -2.1, after: null, change: null, nBefore: 10, nAfter: 0, t: null },
    });
  });
});
