import { EventEmitter } from 'node:events';
import type { FeedbackLevel } from '../core/events.ts';

export interface SimulatedPress {
  touchpointId: string;
  level: FeedbackLevel;
}

export interface SimulatedSourceEvents {
  press: [press: SimulatedPress];
}

/** Rough shares of very unhappy .. very happy seen on smiley terminals: most people are content. */
const LEVEL_WEIGHTS: readonly [FeedbackLevel, number][] = [
  [1, 0.08],
  [2, 0.14],
  [3, 0.36],
  [4, 0.42],
];

/**
 * Stands in for customers at smiley buttons: presses arrive as a Poisson process at the given
 * rate, each at a random touchpoint. It emits presses like a driver would, so the pipe from
 * press to hub is exercised before real buttons are wired.
 */
export class SimulatedFeedbackSource extends EventEmitter<SimulatedSourceEvents> {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: { pressesPerMinute: number; touchpoints: () => readonly string[]; random?: () => number },
  ) {
    super();
  }

  start(): void {
    this.scheduleNext();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** One press drawn from the distribution, or nothing while no touchpoint is known yet. */
  draw(): SimulatedPress | undefined {
    const touchpoints = this.options.touchpoints();
    if (touchpoints.length === 0) return undefined;
    const random = this.options.random ?? Math.random;
    const touchpointId = touchpoints[Math.floor(random() * touchpoints.length)]!;
    let roll = random();
    for (const [level, weight] of LEVEL_WEIGHTS) {
      roll -= weight;
      if (roll < 0) return { touchpointId, level };
    }
    return { touchpointId, level: 4 };
  }

  private scheduleNext(): void {
    const random = this.options.random ?? Math.random;
    const meanGapMs = 60_000 / this.options.pressesPerMinute;
    const gap = -Math.log(1 - random()) * meanGapMs;
    this.timer = setTimeout(() => {
      const press = this.draw();
      if (press) this.emit('press', press);
      this.scheduleNext();
    }, gap);
  }
}
