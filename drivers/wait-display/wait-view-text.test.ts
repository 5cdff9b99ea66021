import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WaitView } from '../device.ts';
import { fitText, layoutWaitView, NOBODY_SERVED, toDisplayAscii, waitText, waitViewParts } from './wait-view-text.ts';

describe('wait view as two 20-column lines', () => {
  it('lays out the usual view', () => {
    expect(layoutWaitView({ nowServing: 'A-042', postedWaitMin: 15, waiting: 6 })).toEqual([
      'NOW SERVING  A-042  ',
      'WAIT ~15 MIN        ',
    ]);
    expect(layoutWaitView({ nowServing: 'A-042', postedWaitMin: 15 })).toEqual([
      'NOW SERVING  A-042  ',
      'WAIT ~15 MIN        ',
    ]);
  });

  it('fits a counter by shortening the label, never the number', () => {
    expect(layoutWaitView({ nowServing: 'A-042', counterName: 'Counter 3', postedWaitMin: 4 })[0]).toBe(
      'NOW A-042  Counter 3',
    );
    expect(layoutWaitView({ nowServing: 'A-042', counterName: 'Counter 12', postedWaitMin: 4 })[0]).toBe(
      'A-042  Counter 12   ',
    );
    expect(layoutWaitView({ nowServing: 'A-042', counterName: 'The far window on the left' })[0]).toBe(
      'NOW SERVING  A-042  ',
    );
  });

  it('leaves out a counter name the display cannot show, and reduces the rest to ASCII', () => {
    expect(waitViewParts({ nowServing: 'A-042', counterName: '3번 창구' })).toEqual({ serving: 'A-042', waitLine: '' });
    expect(waitViewParts({ nowServing: 'A-042', counterName: 'Caisse 3 – étage' }).counter).toBe('Caisse 3 - etage');
    expect(toDisplayAscii('Closed “back” 14:00…')).toBe('Closed "back" 14:00...');
    expect(toDisplayAscii('대기 5분')).toBe('?? 5?');
  });

  it('says who is served even when nobody is', () => {
    expect(layoutWaitView({ postedWaitMin: 0 })).toEqual([
      `NOW SERVING  ${NOBODY_SERVED}`.padEnd(20),
      'NO WAIT'.padEnd(20),
    ]);
    expect(layoutWaitView({})).toEqual([`NOW SERVING  ${NOBODY_SERVED}`.padEnd(20), ' '.repeat(20)]);
  });

  it('writes waits in minutes, hours past 99 minutes, and the queue length without an estimate', () => {
    expect(waitText(1)).toBe('WAIT ~1 MIN');
    expect(waitText(14.6)).toBe('WAIT ~15 MIN');
    expect(waitText(99)).toBe('WAIT ~99 MIN');
    expect(waitText(120)).toBe('WAIT ~2 H');
    expect(waitText(135)).toBe('WAIT ~2 H 15 MIN');
    expect(waitText(null)).toBeUndefined();
    expect(waitText(-3)).toBeUndefined();
    expect(waitText(Number.NaN)).toBeUndefined();
    expect(waitViewParts({ postedWaitMin: null, waiting: 4 }).waitLine).toBe('4 WAITING');
    expect(waitViewParts({ postedWaitMin: null, waiting: 0 }).waitLine).toBe('NO WAIT');
  });

  it('a message replaces the wait line, cut at a word when one is near the edge', () => {
    expect(layoutWaitView({ nowServing: 'A-042', postedWaitMin: 15, message: 'Closed - back 14:00' })[1]).toBe(
      'Closed - back 14:00 ',
    );
    expect(layoutWaitView({ message: 'Please take a ticket at the kiosk' })[1]).toBe('Please take a ticket');
    expect(layoutWaitView({ message: 'Lunch break until fourteen' })[1]).toBe('Lunch break until   ');
    expect(fitText('Supercalifragilisticexpialidocious')).toBe('Supercalifragilistic');
    // A message with nothing showable falls back to the wait.
    expect(layoutWaitView({ postedWaitMin: 5, message: '  ' })[1]).toBe('WAIT ~5 MIN'.padEnd(20));
  });

  it('any view: exactly two lines of 20 printable ASCII characters', () => {
    const view: fc.Arbitrary<WaitView> = fc.record(
      {
        nowServing: fc.string({ maxLength: 40, unit: 'grapheme' }),
        counterName: fc.string({ maxLength: 40, unit: 'grapheme' }),
        postedWaitMin: fc.option(fc.double({ min: -10, max: 1e7, noNaN: false }), { nil: null }),
        waiting: fc.integer({ min: -5, max: 1e6 }),
        message: fc.string({ maxLength: 60, unit: 'grapheme' }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(view, (v) => {
        const lines = layoutWaitView(v);
        expect(lines).toHaveLength(2);
        for (const line of lines) expect(line).toMatch(/^[\x20-\x7e]{20}$/);
      }),
    );
  });
});
