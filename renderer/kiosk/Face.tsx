import type { FeedbackLevel } from '../../core/events.ts';

/**
 * Mouths as quadratic curves: corners (x from 50 ± half, at y) and the control point's y. A curve
 * bends half as far as its control point, so a control 16 below the corners is a clear smile.
 */
const MOUTHS: Record<FeedbackLevel, { half: number; y: number; control: number }> = {
  1: { half: 22, y: 76, control: 48 },
  2: { half: 18, y: 72, control: 56 },
  3: { half: 18, y: 62, control: 78 },
  4: { half: 22, y: 58, control: 90 },
};

function mouthPath(level: FeedbackLevel): string {
  const { half, y, control } = MOUTHS[level];
  return `M ${50 - half} ${y} Q 50 ${control} ${50 + half} ${y}`;
}

/**
 * A smiley drawn as SVG, so it looks the same on every kiosk (emoji fonts differ, and many kiosk
 * images have none). Colours follow the button box: green to red.
 */
export function Face({ level, size = '1em' }: { level: FeedbackLevel; size?: string }) {
  return (
    <svg
      viewBox="0 0 100 100"
      width={size}
      height={size}
      aria-hidden="true"
      className={`face level-${level}`}
      focusable="false"
    >
      <circle cx="50" cy="50" r="44" fill="none" stroke="currentColor" strokeWidth="7" />
      <circle cx="35" cy="40" r="6" fill="currentColor" />
      <circle cx="65" cy="40" r="6" fill="currentColor" />
      <path d={mouthPath(level)} fill="none" stroke="currentColor" strokeWidth="7" strokeLinecap="round" />
    </svg>
  );
}
