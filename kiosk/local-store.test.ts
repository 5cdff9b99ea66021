import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { test } from '../test/support/test-fixtures.ts';
import { LocalStore } from './local-store.ts';

const identity = { venueId: 'venue-a', deviceId: 'k1' };
const press = { touchpointId: 'entrance', level: 3 as const, source: 'screen' as const };

describe('LocalStore', () => {
  const open = (dir: string) => new LocalStore(join(dir, 'kiosk.db'), identity);

  test('gives gap-free seqs from 1 and returns the committed envelope', ({ dir }) => {
    const store = open(dir);
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

  test('keeps every committed event across a reopen, and continues the sequence', ({ dir }) => {
    const file = join(dir, 'kiosk.db');
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

  test('refuses an invalid payload and stores nothing', ({ dir }) => {
    const store = open(dir);
    expect(() => store.append('feedback.pressed', { ...press, level: 9 } as never)).toThrow(/level/);
    expect(store.lastSeq).toBe(0);
    expect(store.readAfter(0, { maxEvents: 10, maxBytes: 1e6 })).toEqual([]);
    store.close();
  });

  test('reads the outbox in seq order within the batch limits, always at least one event', ({ dir }) => {
    const store = open(dir);
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

  test('tracks how far the hub confirmed, never backwards', ({ dir }) => {
    const store = open(dir);
    store.appendMany('feedback.pressed', [press, press, press]);
    store.recordHubContiguousSeq(2);
    store.recordHubContiguousSeq(1);
    expect(store.hubContiguousSeq).toBe(2);
    expect(store.outboxDepth()).toBe(1);
    store.close();
  });

  test("refuses to open another device's file", ({ dir }) => {
    const file = join(dir, 'kiosk.db');
    new LocalStore(file, identity).close();
    expect(() => new LocalStore(file, { venueId: 'venue-a', deviceId: 'k2' })).toThrow(/belongs to device "k1"/);
  });

  test('writes with WAL and synchronous=FULL so an acknowledged event survives a power cut', ({ dir }) => {
    const file = join(dir, 'kiosk.db');
    const store = new LocalStore(file, identity);
    store.append('feedback.pressed', press);
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    store.close();
  });
});
