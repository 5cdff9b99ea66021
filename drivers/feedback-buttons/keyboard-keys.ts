import type { FeedbackLevel } from '../../core/events.ts';

/**
 * Keyboard-mode keypads and foot switches: the OS owns them (node-hid cannot read a keyboard),
 * so only the focused kiosk window sees their keys. The screen catches the configured keys and
 * forwards them to the kiosk, which maps them here. Keys are KeyboardEvent.key values; a keypad
 * whose keys depend on the layout (digits vs. symbols) can be configured by KeyboardEvent.code.
 */
export interface KeyboardButtonsConfig {
  /** KeyboardEvent.key or KeyboardEvent.code -> level. */
  keys: Readonly<Record<string, FeedbackLevel>>;
}

/** F13-F16: keys no person types on a kiosk, so a keypad sending them cannot clash with anything. */
export const DEFAULT_KEYBOARD_BUTTONS: KeyboardButtonsConfig = { keys: { F13: 1, F14: 2, F15: 3, F16: 4 } };

/** The keys the screen should catch and forward; everything else it leaves alone. */
export function keysToCatch(config: KeyboardButtonsConfig): string[] {
  return Object.keys(config.keys);
}

export function keyToLevel(config: KeyboardButtonsConfig, key: string): FeedbackLevel | undefined {
  return Object.hasOwn(config.keys, key) ? config.keys[key] : undefined;
}

/** A key event as the screen forwards it: enough of a DOM KeyboardEvent. */
export interface ForwardedKey {
  key: string;
  code?: string;
  /** Auto-repeat from a held key: never a new press. */
  repeat?: boolean;
}

/** Level for a forwarded key event, matching key first, then code; undefined when not configured. */
export function levelOfKeyEvent(config: KeyboardButtonsConfig, event: ForwardedKey): FeedbackLevel | undefined {
  if (event.repeat) return undefined;
  return keyToLevel(config, event.key) ?? (event.code === undefined ? undefined : keyToLevel(config, event.code));
}
