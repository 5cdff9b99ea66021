import { parseEvent, type AnyEventEnvelope } from '../core/events.ts';
import { MAX_BATCH_BYTES, MAX_BATCH_EVENTS, type BatchFailure } from '../core/protocol.ts';

export interface ValidBatch {
  events: AnyEventEnvelope[];
  clockOffsetMs: number;
}

/** Offsets beyond a day are a broken clock, not a measurement; such a kiosk must fix its clock. */
const MAX_CLOCK_OFFSET_MS = 24 * 60 * 60 * 1000;

/**
 * Checks a batch from an authenticated device before anything is stored. Any bad event refuses
 * the whole batch (never half-stored) and the reply names the event and the reason.
 */
export function validateBatch(
  raw: unknown,
  device: { deviceId: string; venueId: string },
  /** Size of the message as it arrived, when the transport knows it (saves serializing it again). */
  messageBytes?: number,
): { ok: true; batch: ValidBatch } | BatchFailure {
  if (typeof raw !== 'object' || raw === null || !Array.isArray((raw as { events?: unknown }).events)) {
    return { ok: false, code: 'invalid-message', message: 'a batch is an object { events: [...], clockOffsetMs? }' };
  }
  const { events, clockOffsetMs = 0 } = raw as { events: unknown[]; clockOffsetMs?: unknown };
  if (
    typeof clockOffsetMs !== 'number' ||
    !Number.isFinite(clockOffsetMs) ||
    Math.abs(clockOffsetMs) > MAX_CLOCK_OFFSET_MS
  ) {
    return {
      ok: false,
      code: 'invalid-message',
      message: 'clockOffsetMs must be a number of milliseconds within one day',
    };
  }
  if (events.length === 0) return { ok: false, code: 'invalid-message', message: 'a batch needs at least one event' };
  if (events.length > MAX_BATCH_EVENTS) {
    return {
      ok: false,
      code: 'batch-too-large',
      message: `a batch holds at most ${MAX_BATCH_EVENTS} events; send smaller batches`,
    };
  }
  const bytes = messageBytes ?? Buffer.byteLength(JSON.stringify(raw));
  if (bytes > MAX_BATCH_BYTES) {
    return {
      ok: false,
      code: 'batch-too-large',
      message: `batch is ${bytes} bytes; the limit is ${MAX_BATCH_BYTES}: send smaller batches`,
    };
  }
  const valid: AnyEventEnvelope[] = [];
  for (const [eventIndex, candidate] of events.entries()) {
    const parsed = parseEvent(candidate);
    if (!parsed.ok)
      return { ok: false, code: parsed.code, message: `event ${eventIndex}: ${parsed.message}`, eventIndex };
    const event = parsed.event;
    if (event.deviceId !== device.deviceId) {
      return {
        ok: false,
        code: 'device-mismatch',
        message:
          `event ${eventIndex} claims device "${event.deviceId}" ` +
          `but this connection is device "${device.deviceId}"`,
        eventIndex,
      };
    }
    if (event.venueId !== device.venueId) {
      return {
        ok: false,
        code: 'venue-mismatch',
        message:
          `event ${eventIndex} claims venue "${event.venueId}" ` +
          `but device "${device.deviceId}" belongs to "${device.venueId}"`,
        eventIndex,
      };
    }
    const previous = valid[valid.length - 1];
    if (previous && event.seq !== previous.seq + 1) {
      return {
        ok: false,
        code: 'seq-order',
        message: `event ${eventIndex} has seq ${event.seq} after ${previous.seq}: a batch is consecutive seqs`,
        eventIndex,
      };
    }
    valid.push(event);
  }
  return { ok: true, batch: { events: valid, clockOffsetMs: Math.round(clockOffsetMs) } };
}
