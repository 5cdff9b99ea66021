/**
 * Which queue snapshot a screen or kiosk keeps when `next` arrives while it holds `held`.
 * Snapshots cross on the wire (a reconnect, several hubs), and the venue's queue log version says
 * which is newer: an older one is dropped. An equal version replaces (the same log, fresher waits);
 * another venue's snapshot replaces (the screen now shows that venue).
 */
export function newerSnapshot<S extends { venueId: string; version: number }>(held: S | null | undefined, next: S): S {
  return held && held.venueId === next.venueId && held.version > next.version ? held : next;
}
