import type { FeedbackLevel } from '../../core/events.ts';

/** Physical button number (1-based, as labelled) -> smiley level. */
export type ButtonLevels = Readonly<Record<number, FeedbackLevel>>;

/** Buttons 1..4 left to right: very unhappy .. very happy, as on HappyOrNot terminals. */
export const DEFAULT_BUTTON_LEVELS: ButtonLevels = { 1: 1, 2: 2, 3: 3, 4: 4 };

export function validateButtonLevels(levels: ButtonLevels): ButtonLevels {
  const entries = Object.entries(levels);
  if (entries.length === 0) throw new RangeError('button levels: map at least one button to a level 1..4');
  for (const [button, level] of entries) {
    if (!/^[1-9][0-9]*$/.test(button))
      throw new RangeError(`button levels: "${button}" is not a button number (1, 2, ...)`);
    if (![1, 2, 3, 4].includes(level))
      throw new RangeError(`button levels: button ${button} maps to ${String(level)}, not a level 1..4`);
  }
  return levels;
}

export function levelOfButton(levels: ButtonLevels, button: number): FeedbackLevel | undefined {
  return Object.hasOwn(levels, button) ? levels[button] : undefined;
}
