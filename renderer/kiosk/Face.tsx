import type { FeedbackLevel } from '../../core/events.ts';

/** Mouth curves from a frown (1) to a wide smile (4): control point of a quadratic curve. */
const MOUTH_Y: Record<FeedbackLevel, number> = { 1: 30, 2: 38, 3: 58, 4: 68 };

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
      <path
        d={`M 30 ${level >= 3 ? 58 : 70} Q 50 ${MOUTH_Y[level]} 70 ${level >= 3 ? 58 : 70}`}
        fill="none"
        stroke="currentColor"
        strokeWidth="7"
        strokeLinecap="round"
      />
    </svg>
  );
}
