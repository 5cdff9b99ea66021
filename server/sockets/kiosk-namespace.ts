import type { Namespace, Socket } from 'socket.io';
import type {
  AuthErrorCode,
  BatchFailure,
  BatchOk,
  Failure,
  HelloOk,
  KioskClientToServer,
  KioskServerToClient,
  NumbersReserved,
  QueueCommandResult,
  QueueFailure,
  TicketQuote,
} from '../../core/protocol.ts';
import { tokenMatches } from '../auth/secrets.ts';
import { validateBatch } from '../batch-validation.ts';
import type { HubEvents } from '../hub-events.ts';
import { describeZodIssues } from '../../core/zod-errors.ts';
import {
  numbersReserveSchema,
  ticketCheckInSchema,
  ticketQuoteSchema,
  ticketTakeSchema,
} from '../queue/command-schema.ts';
import { queueBusyReported, type QueueService } from '../queue/queue-service.ts';
import type { HubStore, IngestOutcome } from '../store/hub-store.ts';
import type { DevicePresence } from '../cluster/device-presence.ts';
import { admitBy } from './handshake.ts';
import { onQueueChange } from './queue-changes.ts';

interface KioskSocketData {
  deviceId: string;
  venueId: string;
  helloDone: boolean;
}

export type KioskNamespace = Namespace<
  KioskClientToServer,
  KioskServerToClient,
  Record<string, never>,
  KioskSocketData
>;
type KioskSocket = Socket<KioskClientToServer, KioskServerToClient, Record<string, never>, KioskSocketData>;

const KNOWN_MESSAGES = new Set<string>([
  'hello',
  'events.batch',
  'ticket.quote',
  'ticket.take',
  'numbers.reserve',
  'ticket.check-in',
]);
const room = (venueId: string) => `venue:${venueId}`;

export function authError(code: AuthErrorCode, message: string): Error {
  return Object.assign(new Error(message), { data: { code } });
}

/**
 * /kiosk: the sync endpoint. A device proves itself with its token in the handshake, says hello,
 * then sends batches; every request is answered with a typed result, errors included, so a bad
 * message never costs the connection.
 */
export function attachKioskNamespace(
  namespace: KioskNamespace,
  store: HubStore,
  events: HubEvents,
  queues: QueueService,
  presence: DevicePresence,
): void {
  // Kiosks show queue changes on their wait displays and quote waits while offline from the last one.
  onQueueChange(queues, ({ venueId, snapshot }) => namespace.local.to(room(venueId)).emit('queue.snapshot', snapshot));

  admitBy(namespace, async (socket, next) => {
    const { deviceId, token } = (socket.handshake.auth ?? {}) as { deviceId?: unknown; token?: unknown };
    if (typeof deviceId !== 'string' || typeof token !== 'string' || !deviceId || !token) {
      return next(
        authError(
          'device-token-missing',
          'this kiosk sent no device id and token: set "deviceId" and "token" in its configuration',
        ),
      );
    }
    const device = await store.getDevice(deviceId);
    if (!device || !tokenMatches(token, device.tokenHash)) {
      return next(
        authError(
          'device-token-invalid',
          `device "${deviceId}" is not registered or its token is wrong: ` +
            `register it (waitwell hub --add-device) and copy the token into the kiosk configuration`,
        ),
      );
    }
    socket.data = { deviceId, venueId: device.venueId, helloDone: false };
    next();
  });

  const queueFailed = queueBusyReported(events);

  namespace.on('connection', (socket: KioskSocket) => {
    const { deviceId, venueId } = socket.data;
    presence.add(venueId, deviceId);
    events.emit('device.connected', { deviceId, venueId });
    socket.on('disconnect', () => {
      presence.remove(deviceId);
      // Gone only if no hub holds it: a kiosk that moved to another hub (or reconnected here
      // before this socket was noticed gone) is not down.
      void presence.isConnected(venueId, deviceId).then((connected) => {
        if (!connected) events.emit('device.disconnected', { deviceId, venueId });
      });
    });

    socket.on('hello', async (request: unknown, ack: unknown) => {
      if (typeof ack !== 'function') return;
      const reply = ack as (result: HelloOk | Failure) => void;
      const clientTime = (request as { clientTime?: unknown } | null)?.clientTime;
      if (typeof clientTime !== 'number') {
        return reply({ ok: false, code: 'invalid-message', message: 'hello needs { lastSeq, clientTime }' });
      }
      const [device, venue] = await Promise.all([store.getDevice(deviceId), store.getVenue(venueId)]);
      if (!device || !venue)
        return reply({ ok: false, code: 'internal', message: 'device or venue was removed; re-register this kiosk' });
      socket.data.helloDone = true;
      reply({ ok: true, contiguousSeq: device.contiguousSeq, hubTime: Date.now(), venue });
      await socket.join(room(venueId));
      const snapshot = await queues.snapshot(venueId).catch(() => undefined);
      if (snapshot) socket.emit('queue.snapshot', snapshot);
    });

    socket.on('ticket.quote', async (raw: unknown, ack: unknown) => {
      if (typeof ack !== 'function') return;
      const reply = ack as (result: TicketQuote | QueueFailure) => void;
      const request = ticketQuoteSchema.safeParse(raw);
      if (!request.success)
        return reply({ ok: false, code: 'invalid-command', message: describeZodIssues(request.error) });
      reply(await queues.quote(venueId, request.data).catch(queueFailed));
    });

    socket.on('ticket.check-in', async (raw: unknown, ack: unknown) => {
      if (typeof ack !== 'function') return;
      const reply = ack as (result: QueueCommandResult) => void;
      const request = ticketCheckInSchema.safeParse(raw);
      if (!request.success)
        return reply({ ok: false, code: 'invalid-command', message: describeZodIssues(request.error) });
      reply(await queues.execute(venueId, { type: 'check-in', ticketId: request.data.ticketId }).catch(queueFailed));
    });

    socket.on('numbers.reserve', async (raw: unknown, ack: unknown) => {
      if (typeof ack !== 'function') return;
      const reply = ack as (result: NumbersReserved | QueueFailure) => void;
      const request = numbersReserveSchema.safeParse(raw);
      if (!request.success)
        return reply({ ok: false, code: 'invalid-command', message: describeZodIssues(request.error) });
      reply(
        await queues.reserveNumbers(venueId, deviceId, request.data.serviceId, request.data.size).catch(queueFailed),
      );
    });

    socket.on('ticket.take', async (raw: unknown, ack: unknown) => {
      if (typeof ack !== 'function') return;
      const reply = ack as (result: QueueCommandResult) => void;
      const request = ticketTakeSchema.safeParse(raw);
      if (!request.success)
        return reply({ ok: false, code: 'invalid-command', message: describeZodIssues(request.error) });
      const result = await queues
        .execute(venueId, { type: 'issue', ...request.data, kioskId: deviceId })
        .catch(queueFailed);
      reply(result);
    });

    // engine.io hands over each message before socket.io decodes and dispatches it (synchronously),
    // so the batch handler sees its own message's size without serializing the batch again.
    let lastMessageBytes: number | undefined;
    socket.conn.on('packet', (packet: { type: string; data?: unknown }) => {
      if (packet.type !== 'message') return;
      lastMessageBytes =
        typeof packet.data === 'string'
          ? Buffer.byteLength(packet.data)
          : Buffer.isBuffer(packet.data)
            ? packet.data.length
            : undefined;
    });

    socket.on('events.batch', async (raw: unknown, ack: unknown) => {
      if (typeof ack !== 'function') return;
      const reply = ack as (result: BatchOk | BatchFailure) => void;
      if (!socket.data.helloDone)
        return reply({ ok: false, code: 'hello-required', message: 'send hello before any batch' });
      const checked = validateBatch(raw, { deviceId, venueId }, lastMessageBytes);
      if (!checked.ok) return reply(checked);
      try {
        const outcome = await store.ingest(deviceId, checked.batch.events, {
          receivedAt: Date.now(),
          clockOffsetMs: checked.batch.clockOffsetMs,
        });
        reply(toReply(outcome));
        // Commit first (done), then notify.
        if (outcome.kind === 'stored' && outcome.inserted.length > 0) {
          events.emit('events.stored', {
            venueId,
            deviceId,
            events: outcome.inserted,
            touchpointsChanged: outcome.touchpointsChanged,
          });
        }
      } catch (error) {
        events.emit('fault', { where: 'ingest', error: error as Error });
        reply({
          ok: false,
          code: 'internal',
          message: `the hub could not store this batch (${(error as Error).message}); it will be retried`,
        });
      }
    });

    socket.onAny((name: string, ...args: unknown[]) => {
      if (KNOWN_MESSAGES.has(name)) return;
      const ack = args[args.length - 1];
      if (typeof ack === 'function') {
        ack({
          ok: false,
          code: 'unknown-message',
          message: `"${name}" is not a /kiosk message; this hub understands ${[...KNOWN_MESSAGES].join(', ')}`,
        });
      }
    });
  });
}

function toReply(outcome: IngestOutcome): BatchOk | BatchFailure {
  switch (outcome.kind) {
    case 'stored':
      return {
        ok: true,
        contiguousSeq: outcome.contiguousSeq,
        accepted: outcome.inserted.length,
        duplicates: outcome.duplicates,
      };
    case 'seq-gap':
      return {
        ok: false,
        code: 'seq-gap',
        message:
          `seq ${outcome.seq} leaves a gap: the hub holds this device up to ${outcome.contiguousSeq}; ` +
          `resend from ${outcome.contiguousSeq + 1}`,
        contiguousSeq: outcome.contiguousSeq,
        eventIndex: outcome.eventIndex,
      };
    case 'seq-conflict':
      return {
        ok: false,
        code: 'seq-conflict',
        message:
          `the hub already holds a different event at seq ${outcome.seq} for this device: ` +
          `its local store was reset or copied; register it as a new device`,
        contiguousSeq: outcome.contiguousSeq,
        eventIndex: outcome.eventIndex,
      };
    case 'id-conflict':
      return {
        ok: false,
        code: 'id-conflict',
        message: `event id ${outcome.id} is already stored under another device or seq; it was not stored again`,
        contiguousSeq: outcome.contiguousSeq,
        eventIndex: outcome.eventIndex,
      };
    case 'unknown-device':
      return { ok: false, code: 'internal', message: 'this device was removed from the hub; re-register it' };
  }
}
