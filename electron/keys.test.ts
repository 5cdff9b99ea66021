import { describe, expect, it } from 'vitest';
import { decideKey } from './keys.ts';

const keypadKeys = new Set(['F13', 'F14', 'F15', 'F16']);
const down = (key: string, extra: object = {}) => ({ type: 'keyDown', key, ...extra });

describe('kiosk window keys', () => {
  it('forwards keypad keys to the kiosk runtime, once per press', () => {
    expect(decideKey(down('F13'), { adminMode: false, keypadKeys })).toEqual({ action: 'forward' });
    expect(decideKey(down('Unidentified', { code: 'F16' }), { adminMode: false, keypadKeys })).toEqual({
      action: 'forward',
    });
    expect(decideKey(down('F14', { isAutoRepeat: true }), { adminMode: false, keypadKeys })).toMatchObject({
      action: 'block',
    });
    expect(decideKey({ type: 'keyUp', key: 'F13' }, { adminMode: false, keypadKeys })).toEqual({ action: 'pass' });
  });

  it('blocks reload, close, quit, devtools and leaving kiosk mode outside admin mode', () => {
    const blocked = [
      down('F5'),
      down('r', { control: true }),
      down('R', { meta: true }),
      down('w', { control: true }),
      down('q', { meta: true }),
      down('F4', { alt: true }),
      down('F12'),
      down('I', { control: true, shift: true }),
      down('Escape'),
      down('F11'),
    ];
    for (const input of blocked) {
      expect(decideKey(input, { adminMode: false, keypadKeys })).toMatchObject({ action: 'block' });
      expect(decideKey(input, { adminMode: true, keypadKeys })).toEqual({ action: 'pass' });
    }
  });

  it('lets ordinary typing through (the admin PIN, a search box)', () => {
    for (const key of ['1', 'a', 'Enter', 'Backspace'])
      expect(decideKey(down(key), { adminMode: false, keypadKeys })).toEqual({ action: 'pass' });
  });
});
