import { execFile } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CLIPS_DIR, ensureCallClips } from '../bin/call-clips.ts';
import { callClips, clipTexts } from '../core/calls/call-clips.ts';
import { newEventId } from '../core/ids.ts';
import { LANGUAGES } from '../core/languages.ts';
import type { VenueInput } from '../core/venue.ts';
import { ANNOUNCEMENT_EVENT, type AnnouncementReport } from '../renderer/board/announcer.ts';
import { type Hub, startHub } from '../server/hub.ts';
import { SqliteHubStore } from '../server/store/sqlite-store.ts';
import { launchChromium } from './support/chromium.ts';
import { TEST_QUEUE_VENUE, tempDir } from './support/fixtures.ts';
import { screenshot } from './support/page.ts';
import { layoutProblems } from './support/screen-checks.ts';
import { waitFor } from './support/wait.ts';

const run = promisify(execFile);

/** The flag a board TV's Chromium needs to play sound without a touch (docs/screens.md). */
const AUTOPLAY = '--autoplay-policy=no-user-gesture-required';

/** Length in seconds, and RMS and peak amplitude (0..1), as sox measures a clip. */
async function measure(
  file: string,
): Promise<{ seconds: number; rms: number; peak: number; rate: number; channels: number }> {
  const { stderr } = await run('sox', [file, '-n', 'stat']);
  const header = readFileSync(file).subarray(0, 28); // RIFF/WAVE: channels at byte 22, sample rate at 24
  const value = (label: string) => Number(new RegExp(`${label}:\\s+([\\d.]+)`).exec(stderr)?.[1]);
  return {
    seconds: value('Length \\(seconds\\)'),
    rms: value('RMS\\s+amplitude'),
    peak: value('Maximum amplitude'),
    rate: header.readUInt32LE(24),
    channels: header.readUInt16LE(22),
  };
}

describe('the call clips made by "waitwell clips" (espeak-ng, sox)', () => {
  it('exist for every word a call can say, in every language, and are short, small and not silent', async () => {
    const files = [
      'chime.wav',
      ...LANGUAGES.flatMap((lang) => Object.keys(clipTexts(lang)).map((n) => `${lang}/${n}.wav`)),
    ];
    const queue = [...files];
    const problems: string[] = [];
    const worker = async () => {
      for (let file = queue.shift(); file; file = queue.shift()) {
        const path = join(DEFAULT_CLIPS_DIR, file);
        if (!existsSync(path)) {
          problems.push(`${file} is missing`);
          continue;
        }
        const clip = await measure(path);
        if (!(clip.seconds > 0.1 && clip.seconds < 4)) problems.push(`${file} lasts ${clip.seconds} s`);
        if (!(clip.rms > 0.03 && clip.peak > 0.3))
          problems.push(`${file} is too quiet: RMS ${clip.rms}, peak ${clip.peak}`);
        if (clip.rate !== 16000 || clip.channels !== 1)
          problems.push(`${file} is ${clip.rate} Hz, ${clip.channels} ch`);
      }
    };
    await Promise.all([worker(), worker(), worker()]);
    expect(problems).toEqual([]);
    expect(files.length).toBeGreaterThan(170);
  }, 240_000);

  it('makes only what is missing or changed: a service name, a deleted clip', async () => {
    const dir = tempDir();
    try {
      cpSync(DEFAULT_CLIPS_DIR, dir.path, { recursive: true });
      const services = [{ id: 'deposits', name: { ko: '예금', zh: '存款', en: 'Deposits' } }];
      expect(await ensureCallClips(dir.path, { services })).toMatchObject({ made: 3 });
      for (const lang of LANGUAGES) {
        const clip = await measure(join(dir.path, lang, 'service-deposits.wav'));
        expect(clip.rms, `${lang} service clip`).toBeGreaterThan(0.03);
      }
      rmSync(join(dir.path, 'zh', 'digit-7.wav'));
      expect(await ensureCallClips(dir.path, { services })).toMatchObject({ made: 1 });
      expect(existsSync(join(dir.path, 'zh', 'digit-7.wav'))).toBe(true);
      expect(await ensureCallClips(dir.path, { services })).toMatchObject({ made: 0 });
    } finally {
      dir.remove();
    }
  });
});

describe('a wall board announcing calls in a real Chromium', () => {
  const dir = tempDir();
  let hub: Hub;
  let browser: Browser;
  let boardToken: string;
  const pageErrors: string[] = [];
  const venue: VenueInput = {
    ...TEST_QUEUE_VENUE,
    calls: {
      languages: ['ko', 'en'],
      volume: 0.8,
      repeat: 1, // said once here to keep the test short; twice by default (core/calls/call-clips.test.ts)
      boards: {
        quiet: { sound: 'chime' },
        // Quiet all day: 00:00-12:00, and 12:00 round to midnight.
        night: {
          quietHours: [
            { from: '00:00', to: '12:00' },
            { from: '12:00', to: '00:00' },
          ],
        },
      },
    },
  };

  beforeAll(async () => {
    browser = await launchChromium([AUTOPLAY]);
    // The venue's own recordings: one Korean digit recorded by the venue, the rest built in.
    mkdirSync(join(dir.path, 'recordings', 'our-voice', 'ko'), { recursive: true });
    copyFileSync(
      join(DEFAULT_CLIPS_DIR, 'en', 'digit-4.wav'),
      join(dir.path, 'recordings', 'our-voice', 'ko', 'digit-4.wav'),
    );
    hub = await startHub({
      store: new SqliteHubStore(join(dir.path, 'hub.db')),
      port: 0,
      venueClipsDir: join(dir.path, 'recordings'),
    });
    await hub.venues.upsert(venue);
    boardToken = await hub.venues.newBoardToken('venue-a');
    for (const counterId of ['c1', 'c2'])
      await hub.queues.commands.execute('venue-a', { type: 'open-counter', counterId });
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    dir.remove();
    expect(pageErrors).toEqual([]);
  });

  async function openBoard(query: string, launched = browser): Promise<Page> {
    const page = await launched.newPage({ viewport: { width: 1920, height: 1080 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.addInitScript((event) => {
      const reports: unknown[] = [];
      (window as unknown as { reports: unknown[] }).reports = reports;
      window.addEventListener(event, (e) => reports.push((e as CustomEvent).detail));
    }, ANNOUNCEMENT_EVENT);
    await page.goto(`${hub.url}/board/?venue=venue-a&${query}#token=${boardToken}`);
    await page.waitForSelector('[data-connection]');
    await waitFor(() => page.locator('li[data-counter="c1"]').count(), { what: 'the board showing its counters' });
    return page;
  }

  const reports = (page: Page) => page.evaluate(() => (window as unknown as { reports: AnnouncementReport[] }).reports);

  async function issue(serviceId: string): Promise<void> {
    const result = await hub.queues.commands.execute('venue-a', { type: 'issue', ticketId: newEventId(), serviceId });
    expect(result.ok).toBe(true);
  }

  it('says two calls made together one after the other, in Korean then English, each whole', async () => {
    const board = await openBoard('lang=ko');
    await issue('deposits');
    await issue('deposits');
    await Promise.all([
      hub.queues.commands.execute('venue-a', { type: 'call-next', counterId: 'c1' }),
      hub.queues.commands.execute('venue-a', { type: 'call-next', counterId: 'c2' }),
    ]);

    const first = await waitFor(async () => (await reports(board)).find((r) => r.phase === 'start'), {
      what: 'the first announcement to start',
    });
    // While it speaks, the board stays within its screen.
    expect(await layoutProblems(board)).toEqual([]);
    await screenshot(board, 'board-announcing');

    const done = await waitFor(
      async () => {
        const all = await reports(board);
        return all.filter((r) => r.phase === 'end').length >= 2 ? all : null;
      },
      { what: 'both announcements to end', timeoutMs: 150_000 },
    );
    expect(done.map((r) => `${r.phase} ${r.number}`)).toEqual([
      `start ${first.number}`,
      `end ${first.number}`,
      `start ${done[2]!.number}`,
      `end ${done[2]!.number}`,
    ]);
    expect(new Set(done.map((r) => r.number))).toEqual(new Set(['A-001', 'A-002']));

    const calls = (await hub.queues.reads.snapshot('venue-a'))!.recentCalls;
    for (const report of done.filter((r) => r.phase === 'end')) {
      const counterId = calls.find((c) => c.number === report.number)!.counterId;
      const expected = callClips(
        { number: report.number, serviceId: 'deposits', counterNumber: counterId === 'c1' ? 1 : 2, recall: false },
        { languages: ['ko', 'en'], repeat: 1, sound: 'voice', sayService: false },
      );
      expect(report.clips).toEqual(expected);
      expect(report.played).toEqual(expected.filter((c) => c !== 'pause')); // every clip was heard
      expect(report.clips).toContain('ko/customer');
      expect(report.clips).toContain('en/please-go');
    }
    await board.close();
  }, 180_000);

  it('says a recall again, with "again"; a chime-only board only chimes', async () => {
    const board = await openBoard('lang=en');
    const quiet = await openBoard('lang=en&board=quiet');
    await hub.queues.commands.execute('venue-a', { type: 'recall', counterId: 'c1' });
    const recall = await waitFor(async () => (await reports(board)).find((r) => r.phase === 'end'), {
      what: 'the recall to be said',
      timeoutMs: 150_000,
    });
    expect(recall.recall).toBe(true);
    expect(recall.played.slice(0, 3)).toEqual(['chime', 'ko/again', 'ko/letter-a']);
    expect(recall.played).toContain('en/again');
    const chimed = await waitFor(async () => (await reports(quiet)).find((r) => r.phase === 'end'), {
      what: 'the chime-only board',
    });
    expect(chimed.played).toEqual(['chime']);
    await board.close();
    await quiet.close();
  }, 180_000);

  it("plays a venue's own recordings where it has them, the built-in clips elsewhere", async () => {
    const own = await fetch(`${hub.url}/clips/custom/our-voice/ko/digit-4.wav`);
    const builtIn = await fetch(`${hub.url}/clips/ko/digit-4.wav`);
    expect(own.status).toBe(200);
    expect(own.headers.get('content-type')).toContain('audio/');
    expect(Buffer.from(await own.arrayBuffer())).not.toEqual(Buffer.from(await builtIn.arrayBuffer()));
    expect((await fetch(`${hub.url}/clips/custom/our-voice/ko/digit-5.wav`)).status).toBe(200); // built in
    expect((await fetch(`${hub.url}/clips/custom/our-voice/chime.wav`)).status).toBe(200);
    for (const bad of ['/clips/fr/digit-4.wav', '/clips/ko/..%2F..%2Fhub.db', '/clips/custom/..%2F/ko/digit-4.wav']) {
      expect((await fetch(`${hub.url}${bad}`)).status, bad).toBe(404);
    }
    const missing = await fetch(`${hub.url}/clips/ko/service-unknown.wav`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('npm run clips');
  });

  it('in quiet hours, shows the call and says nothing', async () => {
    const board = await openBoard('lang=zh&board=night');
    await issue('loans');
    await hub.queues.commands.execute('venue-a', { type: 'serve', counterId: 'c2' });
    expect((await hub.queues.commands.execute('venue-a', { type: 'call-next', counterId: 'c2' })).ok).toBe(true);
    const quiet = await waitFor(async () => (await reports(board)).find((r) => r.phase === 'end'), {
      what: 'the call in quiet hours',
    });
    expect(quiet).toMatchObject({ number: 'B-001', silent: 'quiet-hours', played: [] });
    expect(await board.locator('li[data-counter="c2"] [data-now-serving]').textContent()).toBe('B-001');
    await board.close();
  });
});
