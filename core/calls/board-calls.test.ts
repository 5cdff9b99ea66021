import { describe, expect, it } from 'vitest';
import { venueSchema } from '../venue.ts';
import { boardCalls, inQuietHours } from './board-calls.ts';
import { callSettingsSchema } from './call-settings.ts';

describe("boardCalls: one board's call options", () => {
  it("a venue without calls settings announces in the board's language, twice, with the built-in clips", () => {
    const venue = venueSchema.parse({ id: 'v', name: 'V' });
    expect(boardCalls(venue.calls, null, 'zh')).toEqual({
      languages: ['zh'],
      volume: 1,
      quietHours: [],
      sound: 'voice',
      voice: 'clips',
      clipFolder: null,
      repeat: 2,
      sayService: false,
    });
  });

  it("a board's own options override the venue's, which override the defaults", () => {
    const settings = callSettingsSchema.parse({
      languages: ['ko', 'en'],
      volume: 0.6,
      clipFolder: 'our-voice',
      boards: { lobby: { volume: 0.3, sound: 'chime' }, vip: { languages: ['en'], voice: 'web-speech' } },
    });
    expect(boardCalls(settings, 'lobby', 'ko')).toMatchObject({ languages: ['ko', 'en'], volume: 0.3, sound: 'chime' });
    expect(boardCalls(settings, 'vip', 'ko')).toMatchObject({ languages: ['en'], volume: 0.6, voice: 'web-speech' });
    expect(boardCalls(settings, 'unknown', 'zh')).toMatchObject({ languages: ['ko', 'en'], clipFolder: 'our-voice' });
  });

  it('refuses settings that cannot work, saying which', () => {
    const result = callSettingsSchema.safeParse({ volume: 2, quietHours: [{ from: '7:00', to: '25:00' }] });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues.map((i) => i.path.join('.')))).toContain('quietHours.0.from');
    expect(callSettingsSchema.safeParse({ languages: ['fr'] }).success).toBe(false);
  });
});

describe('inQuietHours: on the venue clock', () => {
  const at = (iso: string) => Date.parse(iso);
  it('reads the hours in the venue timezone', () => {
    const lunch = [{ from: '12:00', to: '13:00' }];
    expect(inQuietHours(lunch, at('2026-03-02T03:30:00Z'), 'Asia/Seoul')).toBe(true); // 12:30 in Seoul
    expect(inQuietHours(lunch, at('2026-03-02T03:30:00Z'), 'UTC')).toBe(false);
    expect(inQuietHours(lunch, at('2026-03-02T04:00:00Z'), 'Asia/Seoul')).toBe(false); // 13:00: over
  });

  it('spans midnight when "from" is after "to"', () => {
    const night = [{ from: '22:00', to: '07:00' }];
    expect(inQuietHours(night, at('2026-03-02T23:10:00Z'), 'UTC')).toBe(true);
    expect(inQuietHours(night, at('2026-03-02T06:59:00Z'), 'UTC')).toBe(true);
    expect(inQuietHours(night, at('2026-03-02T07:00:00Z'), 'UTC')).toBe(false);
    expect(inQuietHours([], at('2026-03-02T23:10:00Z'), 'UTC')).toBe(false);
  });
});
