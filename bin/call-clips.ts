import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { CHIME, clipTexts, serviceClipName } from '../core/calls/call-clips.ts';
import { LANGUAGES, type Language } from '../core/languages.ts';
import { venueSchema } from '../core/venue.ts';
import { describeZodIssues } from '../core/zod-errors.ts';
import type { Command } from './cli.ts';

const run = promisify(execFile);

/** Where the hub serves the built-in clips from (server/hub.ts). */
export const DEFAULT_CLIPS_DIR = resolve(import.meta.dirname, '..', 'dist', 'clips');

/** espeak-ng voices per board language; a slower rate carries across a room. */
const VOICES: Record<Language, string> = { ko: 'ko', zh: 'cmn', en: 'en-us' };
const WORDS_PER_MINUTE = '140';
/** Bumped when the way clips are made changes, so every clip is made again. */
const RECIPE = 'espeak-ng 16k mono trimmed -3dB v1';

/** 16 kHz mono 16-bit WAV, silence trimmed at both ends, peak at -3 dB: small, and as loud as its neighbours. */
const TO_CLIP = ['-r', '16000', '-c', '1', '-b', '16'];
const TRIM_AND_LEVEL = [
  'silence',
  '1',
  '0.01',
  '0.5%',
  'reverse',
  'silence',
  '1',
  '0.01',
  '0.5%',
  'reverse',
  'gain',
  '-n',
  '-3',
];

interface Wanted {
  file: string;
  text: string;
  make: (out: string, work: string) => Promise<void>;
}

/**
 * Makes the clips a board's calls need (core/calls/call-clips.ts clipTexts) in `dir`: `chime.wav`
 * and `<lang>/<name>.wav`, plus `<lang>/service-<id>.wav` for the given services. A clip whose
 * text and recipe are unchanged is kept (clips.json lists what each says), so this is quick when
 * nothing changed. Needs espeak-ng and sox (Debian packages of those names).
 */
export async function ensureCallClips(
  dir: string,
  options: { services?: { id: string; name: Record<Language, string> }[]; concurrency?: number } = {},
): Promise<{ made: number; kept: number }> {
  const wanted: Wanted[] = [{ file: `${CHIME}.wav`, text: 'ding-dong', make: makeChime }];
  for (const lang of LANGUAGES) {
    const texts = clipTexts(lang);
    for (const service of options.services ?? []) texts[serviceClipName(service.id)] = service.name[lang];
    for (const [name, text] of Object.entries(texts)) {
      wanted.push({ file: `${lang}/${name}.wav`, text, make: (out) => speak(lang, text, out) });
    }
  }
  const manifestFile = join(dir, 'clips.json');
  const manifest = readManifest(manifestFile);
  const todo = wanted.filter((w) => manifest[w.file] !== `${RECIPE}: ${w.text}` || !existsSync(join(dir, w.file)));
  if (todo.length > 0) await requireTools();
  for (const lang of LANGUAGES) mkdirSync(join(dir, lang), { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'waitwell-clips-'));
  try {
    const queue = [...todo];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const out = join(dir, next.file);
        await next.make(`${out}.part.wav`, work);
        renameSync(`${out}.part.wav`, out); // a clip is whole or absent, even if this is stopped midway
        manifest[next.file] = `${RECIPE}: ${next.text}`;
      }
    };
    await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  } finally {
    rmSync(work, { recursive: true, force: true });
    writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  }
  return { made: todo.length, kept: wanted.length - todo.length };
}

function readManifest(file: string): Record<string, string> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}

async function requireTools(): Promise<void> {
  for (const [tool, args] of [
    ['espeak-ng', ['--version']],
    ['sox', ['--version']],
  ] as const) {
    try {
      await run(tool, [...args]);
    } catch {
      throw new Error(
        `${tool} is needed to make the call clips and is not installed: run "apt-get install -y espeak-ng sox"`,
      );
    }
  }
}

/** espeak-ng's speech piped straight into sox: two processes a clip, no file between them. */
function speak(lang: Language, text: string, out: string): Promise<void> {
  return new Promise((done, fail) => {
    const espeak = spawn('espeak-ng', ['-v', VOICES[lang], '-s', WORDS_PER_MINUTE, '--stdout', text]);
    const sox = spawn('sox', ['-t', 'wav', '-', ...TO_CLIP, out, ...TRIM_AND_LEVEL], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    espeak.stdout.pipe(sox.stdin);
    let errors = '';
    for (const child of [espeak, sox]) {
      child.stderr?.on('data', (chunk: Buffer) => {
        errors += chunk.toString();
      });
      child.on('error', fail);
    }
    sox.on('close', (code) =>
      code === 0 ? done() : fail(new Error(`could not make the clip "${text}" (${lang}): ${errors.trim()}`)),
    );
  });
}

/** "딩동": a high then a lower tone, each fading out. */
async function makeChime(out: string, work: string): Promise<void> {
  const ding = join(work, 'ding.wav');
  const dong = join(work, 'dong.wav');
  await run('sox', ['-n', ...TO_CLIP, ding, 'synth', '0.45', 'sine', '880', 'fade', 'q', '0.01', '0.45', '0.4']);
  await run('sox', ['-n', ...TO_CLIP, dong, 'synth', '0.8', 'sine', '698', 'fade', 'q', '0.01', '0.8', '0.7']);
  await run('sox', [ding, dong, out, 'gain', '-n', '-3']);
}

export const clipsCommand: Command = {
  summary: 'make the clips wall boards announce calls with (espeak-ng and sox)',
  usage: 'waitwell clips [--out <dir>] [--venue <venue.json>]',
  options: { out: { type: 'string' }, venue: { type: 'string' } },
  async run(values) {
    const dir = resolve((values.out as string | undefined) ?? DEFAULT_CLIPS_DIR);
    const services = values.venue ? servicesOf(values.venue as string) : [];
    const { made, kept } = await ensureCallClips(dir, { services });
    console.log(`call clips in ${dir}: ${made} made, ${kept} unchanged`);
  },
};

/** The services of a venue file, whose names become service-<id> clips (a board's `sayService`). */
function servicesOf(file: string): { id: string; name: Record<Language, string> }[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the venue file ${file}: ${(error as Error).message}`);
  }
  const venue = venueSchema.safeParse(json);
  if (!venue.success) throw new Error(`the venue file ${file} is not valid: ${describeZodIssues(venue.error, '; ')}`);
  return venue.data.services;
}
