/**
 * What a key does in the kiosk window (before-input-event), as a pure decision. Keypad keys
 * (the kiosk's configured keyboard-mode buttons) go to the kiosk runtime, which maps and
 * debounces them into smiley presses; the keys that would reload, close or quit the window or open devtools
 * are swallowed unless staff unlocked admin mode (the PIN is checked by the kiosk screen).
 */
export interface KeyInput {
  type: 'keyDown' | 'keyUp' | 'rawKeyDown' | 'char' | string;
  key: string;
  code?: string;
  control?: boolean;
  meta?: boolean;
  alt?: boolean;
  shift?: boolean;
  isAutoRepeat?: boolean;
}

export type KeyDecision = { action: 'forward' } | { action: 'block'; reason: string } | { action: 'pass' };

const ctrlOrCmd = (input: KeyInput) => Boolean(input.control || input.meta);

/** Window-level shortcuts a customer must not reach. */
function lockedShortcut(input: KeyInput): string | undefined {
  const key = input.key.toLowerCase();
  if (key === 'f5' || (ctrlOrCmd(input) && key === 'r')) return 'reload';
  if (ctrlOrCmd(input) && (key === 'w' || key === 'q')) return key === 'w' ? 'close' : 'quit';
  if (input.alt && key === 'f4') return 'close';
  if (key === 'f12' || (ctrlOrCmd(input) && input.shift && (key === 'i' || key === 'j' || key === 'c')))
    return 'devtools';
  if (key === 'f11' || (input.alt && key === 'tab')) return 'leave full screen';
  if (ctrlOrCmd(input) && ['+', '-', '=', '0', 'p', 'o', 's', 'n', 't'].includes(key)) return 'browser shortcut';
  if (key === 'escape') return 'leave kiosk mode';
  return undefined;
}

export function decideKey(
  input: KeyInput,
  options: { adminMode: boolean; keypadKeys: ReadonlySet<string> },
): KeyDecision {
  if (input.type !== 'keyDown' && input.type !== 'rawKeyDown') return { action: 'pass' };
  if (options.keypadKeys.has(input.key) || (input.code !== undefined && options.keypadKeys.has(input.code))) {
    // A held key repeats: one press, not a stream of them.
    return input.isAutoRepeat ? { action: 'block', reason: 'auto-repeat of a keypad key' } : { action: 'forward' };
  }
  if (options.adminMode) return { action: 'pass' };
  const locked = lockedShortcut(input);
  return locked ? { action: 'block', reason: `${locked} is locked outside admin mode` } : { action: 'pass' };
}
