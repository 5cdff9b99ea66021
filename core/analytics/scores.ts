import type { FeedbackLevel } from '../events.ts';

/**
 * Scores (docs/customer-experience.md: satisfaction = experience - expectation). Every scored moment lands on one
 * experience scale, -5 (terrible) .. +5 (delightful), so a smiley press and a wait that beat its
 * promise can be compared, averaged and ranked together.
 */

/**
 * Smiley level -> experience; configurable per venue (rising with the level, core/venue.ts). The
 * default is the seeds' scale (domain.md point 2): anger -5, displeasure -2, satisfaction +2,
 * delight +5.
 */
export type ExperienceScale = Readonly<Record<FeedbackLevel, number>>;
export const DEFAULT_EXPERIENCE_SCALE: ExperienceScale = { 1: -5, 2: -2, 3: 2, 4: 5 };

/**
 * A touchpoint's target happy index (-100..100) as the experience the venue expects there, on the
 * same -5..+5 scale: linear, so a target of 40 expects +2 and a target of 0 expects neutral.
 */
export function expectationOfTarget(target: number): number {
  return target / 20;
}

export function experienceOfPress(level: FeedbackLevel, scale: ExperienceScale = DEFAULT_EXPERIENCE_SCALE): number {
  return scale[level];
}

/**
 * Happy index of a set of presses, -100 .. +100:
 *
 *   happyIndex = 100 x (n4 + 0.5 n3 - 0.5 n2 - n1) / (n1 + n2 + n3 + n4)
 *
 * +100 when everyone is very happy, -100 when everyone is very unhappy, 0 when the two sides
 * balance. "Happy" counts half as much as "very happy", as it reads on the buttons. Presses
 * flagged as misuse are left out by the caller (they are not opinions of different people).
 * Null without presses: no index is better than a made-up one.
 */
export function happyIndex(counts: Readonly<Record<FeedbackLevel, number>>): number | null {
  const total = counts[1] + counts[2] + counts[3] + counts[4];
  if (total === 0) return null;
  return (100 * (counts[4] + 0.5 * counts[3] - 0.5 * counts[2] - counts[1])) / total;
}

/** Wait surprise (docs/customer-experience.md): posted - actual, minutes. Positive: served sooner than promised. */
export function waitSurprise(postedMin: number, actualMin: number): number {
  return postedMin - actualMin;
}

/**
 * The experience of the waiting moment, from its surprise: each minute sooner than promised is
 * worth +0.5, each minute later -1 (a broken promise hurts twice as much as an equal win
 * pleases: loss aversion), capped at -5 .. +5. A wait exactly as promised scores 0: it met the
 * expectation, nothing more.
 */
export function waitExperience(surpriseMin: number): number {
  const raw = surpriseMin >= 0 ? 0.5 * surpriseMin : surpriseMin;
  return Math.max(-5, Math.min(5, raw));
}
