import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../test/support/fixtures.ts';
import { LocalStore } from './local-store.ts';

const identity = { venueId: 'venue-a', deviceId: 'k1' };
const press = { touchpointId: 'entrance', level: 3 as const, source: 'screen' as const };

describe('LocalStore', () => {
  const dirs: { remove(): void }[] = [];
  const open = (file?: string) => {
    const dir = tempDir();
    dirs.push(dir);
    return new LocalStore(file ?? join(dir.path, 'kiosk.db'), identity);
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) dir.remove();
  });

  it('gives gap-free seqs from 1 and returns the committed envelope', () => {
    const store = open();
    const events = [
      store.append('feedback.pressed', press),
      store.append('feedback.pressed', { ...press, level: 1 }),
      store.append('device.status', { component: 'printer', state: 'ready' }),
    ];
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(events[0]).toMatchObject({
      ...identity,
      type: 'feedback.pressed',
      v: 1,
      payload: { ...press, misuse: false },
    });
    expect(store.lastSeq).toBe(3);
    store.close();
  });

  it('keeps every committed event across a reopen, and continues the sequence', () => {
    const dir = tempDir();
    dirs.push(dir);
    const file = join(dir.path, 'kiosk.db');
    const first = new LocalStore(file, identity);
    const ids = [first.append('feedback.pressed', press).id, first.append('feedback.pressed', press).id];
    first.close();
    const again = new LocalStore(file, identity);
    expect(again.readAfter(0, { maxEvents: 10, maxBytes: 1e6 }).map((e) => e.id)).toEqual(ids);
    expect(again.append('feedback.pressed', press).seq).toBe(3);
    expect(again.event(ids[1]!)).toMatchObject({ id: ids[1], seq: 2, type: 'feedback.pressed', payload: press });
    expect(again.event('01JZZZZZZZZZZZZZZZZZZZZZZZ')).toBeUndefined();
    again.close();
  });

  it('refuses an invalid payload and stores nothing', () => {
    const store = open();
    expect(() => store.append('feedback.pressed', { ...press, level: 9 } as never)).toThrow(/level/);
    expect(store.lastSeq).toBe(0);
    expect(store.readAfter(0, { maxEvents: 10, maxBytes: 1e6 })).toEqual([]);
    store.close();
  });

  it('reads the outbox in seq order within the batch limits, always at least one event', () => {
    const store = open();
    store.appendMany(
      'feedback.pressed',
      Array.from({ length: 25 }, () => press),
    );
    expect(store.readAfter(0, { maxEvents: 10, maxBytes: 1e6 }).map((e) => e.seq)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
    expect(store.readAfter(20, { maxEvents: 10, maxBytes: 1e6 }).map((e) => e.seq)).toEqual([21, 22, 23, 24, 25]);
    expect(store.readAfter(0, { maxEvents: 10, maxBytes: 1 }).map((e) => e.seq)).toEqual([1]);
    const byBytes = store.readAfter(0, { maxEvents: 100, maxBytes: 1500 });
    expect(byBytes.length).toBeGreaterThan(1);
    expect(byBytes.length).toBeLessThan(25);
    store.close();
  });

  it('tracks how far the hub confirmed, never backwards', () => {
    const store = open();
    store.appendMany('feedback.pressed', [press, press, press]);
    store.recordHubContiguousSeq(2);
    store.recordHubContiguousSeq(1);
    expect(store.hubContiguousSeq).toBe(2);
    expect(store.outboxDepth()).toBe(1);
    store.close();
  });

  it("refuses to open another device's file", () => {
    const dir = tempDir();
    dirs.push(dir);
    const file = join(dir.path, 'kiosk.db');
    new LocalStore(file, identity).close();
    expect(() => new LocalStore(file, { venueId: 'venue-a', deviceId: 'k2' })).toThrow(/belongs to device "k1"/);
  });

  it('writes with WAL and synchronous=FULL so an acknowledged event survives a power cut', () => {
    const dir = tempDir();
    dirs.push(dir);
    const file = join(dir.path, 'kiosk.db');
    const store = new LocalStore(file, identity);
    store.append('feedback.pressed', press);
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    store.close();
  });
});
