import type { Server } from 'socket.io';
import { z } from 'zod';
import type {
  AuthErrorCode,
  BatchFailure,
  BatchOk,
  KioskClientToServer,
  KioskServerToClient,
} from '../../core/protocol.ts';
import { tokenMatches } from '../auth/secrets.ts';
import { validateBatch } from '../batch-validation.ts';
import { admitBy } from './handshake.ts';
import {
  numbersReserveSchema,
  ticketCheckInSchema,
  ticketQuoteSchema,
  ticketTakeSchema,
} from '../queue/command-schema.ts';
import { catchUpOfflineTickets } from '../queue/offline-tickets.ts';
import type { IngestOutcome } from '../store/hub-store.ts';
import { type NamespaceDeps, namespaceOf } from './namespace-deps.ts';
import { onQueueChange } from './queue-changes.ts';
import { type Credential, credentialRooms } from './revocations.ts';
import { QUEUE_ANSWERS, type RequestAnswers, SocketRequests, SYNC_ANSWERS } from './socket-requests.ts';

interface KioskSocketData {
  deviceId: string;
  credential: Credential;
  venueId: string;
  helloDone: boolean;
}

const room = (venueId: string) => `venue:${venueId}`;

const helloSchema = z.object({
  lastSeq: z.number().int().nonnegative(),
  clientTime: z.number().finite(),
  software: z.string().max(100).optional(),
});

/** A batch the hub could not store is retried by the kiosk from where the hub stands. */
const BATCH_ANSWERS: RequestAnswers<BatchFailure> = {
  where: 'ingest',
  invalid: SYNC_ANSWERS.invalid,
  fault: (error) => ({
    ok: false,
    code: 'internal',
    message: `the hub could not store this batch (${error.message}); it will be retried`,
  }),
};

export function authError(code: AuthErrorCode, message: string): Error {
  return Object.assign(new Error(message), { data: { code } });
}

/**
 * /kiosk: the sync endpoint. A device proves itself with its token in the handshake, says hello,
 * then sends batches; every request is answered with a typed result, errors included, so a bad
 * message never costs the connection.
 */
export function attachKioskNamespace(io: Server, deps: NamespaceDeps): void {
  const { store, events, queues, presence, clock, alerts } = deps;
  const namespace = namespaceOf<KioskClientToServer, KioskServerToClient, KioskSocketData>(io, '/kiosk');
  // Kiosks show queue changes on their wait displays and quote waits while offline from the last one.
  onQueueChange(queues.live, ({ venueId, snapshot }) =>
    namespace.local.to(room(venueId)).emit('queue.snapshot', snapshot),
  );
  // A note set on any hub reaches kiosks on every hub (the adapter).
  alerts.on('task', ({ venueId, task }) => {
    if (task.publicNote)
      void alerts
        .publicNotes(venueId)
        .then((notes) => namespace.to(room(venueId)).emit('notes', notes))
        .catch(() => undefined); // a kiosk that missed it reads the notes again at its next hello
  });

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
          `device "${deviceId}" is not registered or its token is wrong: register it ` +
            '(waitwell hub --add-device) and copy the token into the kiosk configuration',
        ),
      );
    }
    socket.data = {
      deviceId,
      venueId: device.venueId,
      helloDone: false,
      credential: { device: deviceId, tokenHash: device.tokenHash },
    };
    next();
  });

  namespace.on('connection', (socket) => {
    const { deviceId, venueId } = socket.data;
    presence.add(venueId, deviceId);
    events.emit('device.connected', { deviceId, venueId });
    // Cut when its token is replaced (revocations.ts).
    void socket.join(credentialRooms(socket.data.credential));
    socket.on('disconnect', () => {
      presence.remove(deviceId);
      // Gone only if no hub holds it: a kiosk that moved to another hub (or reconnected here
      // before this socket was noticed gone) is not down.
      void presence.isConnected(venueId, deviceId).then((connected) => {
        if (!connected) events.emit('device.disconnected', { deviceId, venueId });
      });
    });

    const requests = new SocketRequests<KioskClientToServer>(socket, events);
    requests.on('hello', helloSchema, SYNC_ANSWERS, async () => {
      const [device, venue] = await Promise.all([store.getDevice(deviceId), store.getVenue(venueId)]);
      if (!device || !venue)
        return { ok: false, code: 'internal', message: 'device or venue was removed; re-register this kiosk' };
      socket.data.helloDone = true;
      await socket.join(room(venueId));
      // The queue snapshot (a forecast) follows the answer, so it does not delay the clock reading.
      setImmediate(() => {
        queues.reads
          .snapshot(venueId)
          .then((snapshot) => snapshot && socket.emit('queue.snapshot', snapshot))
          .catch(() => undefined);
        alerts
          .publicNotes(venueId)
          .then((notes) => socket.emit('notes', notes))
          .catch(() => undefined); // read again at the next hello
        // Offline tickets a killed hub stored but never merged join the queue now.
        catchUpOfflineTickets(
          { store, live: queues.live, commands: queues.commands },
          { venueId, deviceId, now: clock.now() },
        ).catch((error: Error) => events.emit('fault', { where: 'offline tickets', error }));
      });
      return { ok: true, contiguousSeq: device.contiguousSeq, hubTime: clock.now(), venue };
    });

    requests.on('ticket.quote', ticketQuoteSchema, QUEUE_ANSWERS, (request) => queues.reads.quote(venueId, request));
    requests.on('ticket.check-in', ticketCheckInSchema, QUEUE_ANSWERS, ({ ticketId }) =>
      queues.commands.execute(venueId, { type: 'check-in', ticketId }),
    );
    requests.on('numbers.reserve', numbersReserveSchema, QUEUE_ANSWERS, ({ serviceId, size }) =>
      queues.commands.reserveNumbers(venueId, deviceId, serviceId, size),
    );
    requests.on('ticket.take', ticketTakeSchema, QUEUE_ANSWERS, (request) =>
      queues.commands.execute(venueId, { type: 'issue', ...request, kioskId: deviceId }),
    );

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

    requests.on(
      'events.batch',
      (raw) => {
        if (!socket.data.helloDone)
          return { refused: { ok: false, code: 'hello-required', message: 'send hello before any batch' } };
        const checked = validateBatch(raw, { deviceId, venueId }, lastMessageBytes);
        return checked.ok ? { value: checked.batch } : { refused: checked };
      },
      BATCH_ANSWERS,
      async (batch) => {
        const clockOffsetMs = batch.clockOffsetMs ?? 0;
        const outcome = await store.ingest(deviceId, batch.events, { receivedAt: clock.now(), clockOffsetMs });
        // Commit first (done), then notify, then answer.
        if (outcome.kind === 'stored' && outcome.inserted.length > 0) {
          events.emit('events.stored', {
            venueId,
            deviceId,
            events: outcome.inserted,
            touchpointsChanged: outcome.touchpointsChanged,
            clockOffsetMs,
          });
        }
        return toReply(outcome);
      },
    );

    requests.answerUnknown('/kiosk');
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
          'its local store was reset or copied; register it as a new device',
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
