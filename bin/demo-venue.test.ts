import { describe, expect, it } from 'vitest';
import { DEFAULT_REPEAT_PRESS_RULE, RepeatPressFilter } from '../core/repeat-press.ts';
import { exponential, mulberry32 } from '../core/simulation/random.ts';
import { DEMO_CLERK_COUNTERS, DEMO_KIOSKS, DEMO_PACE, DEMO_PERSON_COUNTER, DEMO_VENUE } from './demo-venue.ts';

describe('the demo venue', () => {
  it("presses each box at a passer-by's rate, so the repeat-press rule flags a few percent, as at a real venue", () => {
    const random = mulberry32(16);
    const filter = new RepeatPressFilter(DEFAULT_REPEAT_PRESS_RULE);
    const boxes = DEMO_KIOSKS.flatMap((kiosk) => kiosk.smileyBoxes.map((box) => ({ kiosk, box })));
    // One device per box, so no two boxes' passers-by are ever judged as one person.
    expect(new Set(boxes.map(({ kiosk, box }) => `${kiosk.deviceId}/${box.touchpointId}`)).size).toBe(boxes.length);
    let presses = 0;
    let misuse = 0;
    const dayMs = 8 * 60 * 60_000;
    for (const { kiosk, box } of boxes) {
      for (let at = 0; ; ) {
        at += exponential(random, 60_000 / box.pressesPerMinute);
        if (at > dayMs) break;
        presses += 1;
        if (filter.check(`${kiosk.deviceId}/${box.touchpointId}`, at).misuse) misuse += 1;
      }
    }
    expect(presses).toBeGreaterThan(1000);
    const share = misuse / presses;
    expect(share).toBeGreaterThan(0.005);
    expect(share).toBeLessThan(0.05);
  });

  it("keeps the staff link's counter for a person, and gives the clerks a pace they can keep", () => {
    const counters = new Map(DEMO_VENUE.counters!.map((c) => [c.id, c.services]));
    expect(counters.has(DEMO_PERSON_COUNTER)).toBe(true);
    expect(DEMO_CLERK_COUNTERS).not.toContain(DEMO_PERSON_COUNTER);
    for (const id of DEMO_CLERK_COUNTERS) expect(counters.has(id)).toBe(true);

    // Minutes of service arriving per minute, against the clerks' counters: a line that neither
    // empties at once (waits of 0) nor grows all day (waits past anything posted).
    const [first, second] = DEMO_VENUE.services!;
    const work = (share: number, service: typeof first) =>
      DEMO_PACE.arrivalsPerMin * share * service!.expectedServiceMin!;
    const load = work(DEMO_PACE.firstServiceShare, first) + work(1 - DEMO_PACE.firstServiceShare, second);
    const utilisation = load / DEMO_CLERK_COUNTERS.length;
    expect(utilisation).toBeGreaterThan(0.5);
    expect(utilisation).toBeLessThan(0.85);
    // The second service has clerks too.
    expect(DEMO_CLERK_COUNTERS.some((id) => counters.get(id)!.includes(second!.id))).toBe(true);
  });
});
