import { describe, expect, it } from 'vitest';
import type { ButtonPress } from '../device.ts';
import { KeyboardButtons } from './keyboard-buttons.ts';
import { DEFAULT_KEYBOARD_BUTTONS, keysToCatch, keyToLevel, levelOfKeyEvent } from './keyboard-keys.ts';

describe('keyboard keys', () => {
  it('maps F13-F16 to levels 1-4 by default and nothing else', () => {
    expect(
      ['F13', 'F14', 'F15', 'F16', 'F12', 'a', '1'].map((key) => keyToLevel(DEFAULT_KEYBOARD_BUTTONS, key)),
    ).toEqual([1, 2, 3, 4, undefined, undefined, undefined]);
    expect(keysToCatch(DEFAULT_KEYBOARD_BUTTONS)).toEqual(['F13', 'F14', 'F15', 'F16']);
  });

  it('matches by key, then by code, and ignores auto-repeat', () => {
    const config = { keys: { '1': 1, Numpad4: 4 } } as const;
    expect(levelOfKeyEvent(config, { key: '1', code: 'Digit1' })).toBe(1);
    expect(levelOfKeyEvent(config, { key: '4', code: 'Numpad4' })).toBe(4);
    expect(levelOfKeyEvent(config, { key: '1', repeat: true })).toBeUndefined();
    expect(keyToLevel(config, 'toString')).toBeUndefined();
  });

  it('is a FeedbackButtons device: forwarded keys become debounced presses while started', async () => {
    let now = 1000;
    const keypad = new KeyboardButtons('keypad-exit', DEFAULT_KEYBOARD_BUTTONS, { now: () => now });
    const presses: ButtonPress[] = [];
    keypad.on('press', (press) => presses.push(press));
    expect(keypad.key({ key: 'F16' })).toBe(false);
    await keypad.start();
    expect(keypad.status).toEqual({ state: 'ready' });
    expect(keypad.key({ key: 'F16' })).toBe(true);
    now += 10;
    expect(keypad.key({ key: 'F16' })).toBe(false);
    now += 100;
    expect(keypad.key({ key: 'F13' })).toBe(true);
    expect(keypad.key({ key: 'Enter' })).toBe(false);
    expect(presses).toEqual([
      { level: 4, button: 4, at: 1000, source: 'keyboard' },
      { level: 1, button: 1, at: 1110, source: 'keyboard' },
    ]);
    await keypad.stop();
    expect(keypad.status.state).toBe('offline');
  });
});
