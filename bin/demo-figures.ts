import type { Hub } from '../server/hub.ts';

/** What the demo has produced since it started: the numbers a visitor can check against the board. */
export interface DemoFigures {
  /** Customers called, with a posted wait (offline tickets and return times have none). */
  called: number;
  meanPostedMin: number | null;
  meanActualMin: number | null;
  presses: number;
  /** Presses flagged by the repeat-press rule. */
  misuse: number;
}

/** Posted against actual waits of the customers called since `since`, and the smiley presses since then. */
export async function demoFigures(
  hub: Hub,
  venue: { id: string; touchpoints: readonly { id: string }[] },
  since: number,
): Promise<DemoFigures> {
  const waits = (await hub.queues.reads.waits(venue.id, since)).filter((w) => w.postedWaitMin !== null);
  const mean = (values: number[]) =>
    values.length === 0 ? null : Math.round((values.reduce((sum, v) => sum + v, 0) / values.length) * 10) / 10;
  const presses = await hub.store.feedbackPresses(venue.id, [
    { touchpointIds: venue.touchpoints.map((tp) => tp.id), from: since, to: Date.now() + 1 },
  ]);
  return {
    called: waits.length,
    meanPostedMin: mean(waits.map((w) => w.postedWaitMin!)),
    meanActualMin: mean(waits.map((w) => w.actualWaitMin)),
    presses: presses.length,
    misuse: presses.filter((p) => p.misuse).length,
  };
}

export function describeFigures(figures: DemoFigures, minutes: number): string {
  const { called, meanPostedMin, meanActualMin, presses, misuse } = figures;
  const waits =
    called === 0
      ? 'nobody called yet'
      : `${called} customer(s) called, waits posted ${meanPostedMin} min and actual ${meanActualMin} min on average`;
  const share = presses === 0 ? 0 : Math.round((misuse / presses) * 1000) / 10;
  const flagged = `${misuse} (${share}%) flagged as repeat presses`;
  return `demo, ${minutes} min in: ${waits}; ${presses} smiley press(es), ${flagged}`;
}
