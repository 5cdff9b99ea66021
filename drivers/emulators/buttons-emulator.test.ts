import { describe, expect, it } from 'vitest';
import { DEFAULT_PRESS_WEIGHTS, parseButtonScript, pickButton, runButtonsEmulator } from './buttons-emulator.ts';

describe('button emulator scripts', () => {
  it('parses buttons with optional waits', () => {
    expect(parseButtonScript('1, 4@250 2@3000', 500)).toEqual([
      { button: 1, delayMs: 500 },
      { button: 4, delayMs: 250 },
      { button: 2, delayMs: 3000 },
    ]);
    expect(() => parseButtonScript('1, x')).toThrow(/"x" is not <button>/);
  });

  it('draws buttons by weight', () => {
    expect([0, 0.079, 0.08, 0.5, 0.999].map((roll) => pickButton(DEFAULT_PRESS_WEIGHTS, roll))).toEqual([
      1, 1, 2, 3, 4,
    ]);
    expect(pickButton([0, 1], 0)).toBe(2);
  });

  it('needs a script or a rate', async () => {
    await expect(runButtonsEmulator({ path: '/nonexistent' })).rejects.toThrow(/script or a rate/);
    await expect(runButtonsEmulator({ path: '/nonexistent', rate: 0 })).rejects.toThrow(/above 0/);
  });
});
