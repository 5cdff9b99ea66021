import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';

/**
 * Event ids are UUIDv7: minted once where the event happens and used as the idempotency key
 * everywhere. v7 sorts by creation time, which keeps the hub's primary-key index append-mostly.
 */
export function newEventId(): string {
  return uuidv7();
}

export function isEventId(value: string): boolean {
  return eventIdSchema.safeParse(value).success;
}

/** Venue, device, touchpoint and user ids: short, URL-safe, case-sensitive slugs. */
const SLUG_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const slugSchema = z
  .string()
  .regex(SLUG_PATTERN, 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit');

/** Zod's own UUIDv7 format: one pattern per id, not the uuid package's validate and version apart. */
export const eventIdSchema = z.uuid({ version: 'v7', error: 'must be a UUIDv7' });
