import { CHIME, PAUSE } from '../../core/calls/call-clips.ts';
import type { Language } from '../../core/languages.ts';
import { chime } from '../shared/chime.ts';

/** One call to say: the clips of core/calls/call-clips.ts, or sentences for the browser's voices. */
export interface Announcement {
  number: string;
  recall: boolean;
  clips: string[];
  /** Set for voice "web-speech": spoken by the system voices after the chime clip. */
  sentences: { lang: Language; text: string }[] | null;
  /** Where the clips are: "/clips/" or a venue's own "/clips/custom/<folder>/". */
  clipBase: string;
  volume: number;
}

/**
 * What the board did with a call, as a window event (`waitwell:call-announcement`) that a test or a
 * venue's own screen can follow.
 */
export interface AnnouncementReport {
  phase: 'start' | 'end';
  number: string;
  recall: boolean;
  clips: string[];
  /** Clips (or sentences) actually played; the rest could not be loaded or played. */
  played: string[];
  /** Why nothing was heard, if so. */
  silent?: 'sound-blocked' | 'quiet-hours' | 'off';
}

export const ANNOUNCEMENT_EVENT = 'waitwell:call-announcement';

const PAUSE_MS = 350;
const SPEECH_LANG: Record<Language, string> = { ko: 'ko-KR', zh: 'zh-CN', en: 'en-US' };
/** A stuck speech engine or audio clock never holds the calls after it for longer than this. */
const STUCK_MS = 15_000;

export function reportAnnouncement(report: AnnouncementReport): void {
  window.dispatchEvent(new CustomEvent(ANNOUNCEMENT_EVENT, { detail: report }));
}

/**
 * Says calls one after the other, never over each other: each waits in line until the one before
 * has finished. Clips play through one Web Audio context (decoded once, kept), at the board's volume.
 */
export class Announcer {
  private readonly line: Announcement[] = [];
  private busy = false;
  private context: AudioContext | null = null;
  private readonly buffers = new Map<string, Promise<AudioBuffer | null>>();

  /** `onSound(false)`: the browser will not play sound without a touch (autoplay policy). */
  constructor(private readonly onSound: (allowed: boolean) => void) {}

  add(announcement: Announcement): void {
    this.line.push(announcement);
    if (!this.busy) void this.drain();
  }

  /** A touch on the board's "turn on sound" button: the browser allows sound from then on. */
  async unlock(): Promise<void> {
    await this.audio()
      ?.resume()
      .catch(() => undefined);
    this.onSound(this.context?.state === 'running');
  }

  private async drain(): Promise<void> {
    this.busy = true;
    for (let next = this.line.shift(); next; next = this.line.shift()) {
      const { number, recall, clips } = next;
      reportAnnouncement({ phase: 'start', number, recall, clips, played: [] });
      const played: string[] = [];
      let silent: AnnouncementReport['silent'];
      try {
        if (await this.running()) await this.play(next, played);
        else silent = 'sound-blocked';
      } catch (error) {
        console.warn('a call could not be announced', error);
      }
      reportAnnouncement({ phase: 'end', number, recall, clips, played, ...(silent ? { silent } : {}) });
    }
    this.busy = false;
  }

  private audio(): AudioContext | null {
    if (!this.context && typeof AudioContext !== 'undefined') this.context = new AudioContext();
    return this.context;
  }

  /** True when the audio context plays; a board TV without the autoplay flag needs a touch first. */
  private async running(): Promise<boolean> {
    const context = this.audio();
    if (!context) return false;
    if (context.state !== 'running')
      await within(
        1000,
        context.resume().catch(() => undefined),
      );
    const allowed = context.state === 'running';
    this.onSound(allowed);
    return allowed;
  }

  private async play(announcement: Announcement, played: string[]): Promise<void> {
    const context = this.context!;
    const volume = context.createGain();
    volume.gain.value = announcement.volume;
    volume.connect(context.destination);
    // Load all first, so a slow network never leaves a gap in the middle of a number.
    const buffers = await Promise.all(
      announcement.clips.map((clip) => (clip === PAUSE ? null : this.load(`${announcement.clipBase}${clip}.wav`))),
    );
    for (const [index, clip] of announcement.clips.entries()) {
      const buffer = buffers[index];
      if (clip === PAUSE) await sleep(PAUSE_MS);
      else if (buffer) {
        await within(STUCK_MS, playBuffer(context, buffer, volume));
        played.push(clip);
      } else if (clip === CHIME) {
        chime(); // the built-in tones when the chime clip is missing
        await sleep(1100);
        played.push(clip);
      }
    }
    for (const sentence of announcement.sentences ?? []) {
      if (await within(STUCK_MS, speak(sentence, announcement.volume))) played.push(sentence.text);
    }
    volume.disconnect();
  }

  private load(url: string): Promise<AudioBuffer | null> {
    let loading = this.buffers.get(url);
    if (!loading) {
      loading = fetch(url)
        .then((response) => (response.ok ? response.arrayBuffer() : Promise.reject(new Error(`${response.status}`))))
        .then((bytes) => this.context!.decodeAudioData(bytes))
        .catch((error: unknown) => {
          console.warn(`call clip ${url} could not be loaded (${String(error)}); the call goes on without it`);
          this.buffers.delete(url); // tried again next call: a recording may be added meanwhile
          return null;
        });
      this.buffers.set(url, loading);
    }
    return loading;
  }
}

function playBuffer(context: AudioContext, buffer: AudioBuffer, output: AudioNode): Promise<void> {
  return new Promise((resolve) => {
    const source = context.createBufferSource();
    source.buffer = buffer;
    source.connect(output);
    source.onended = () => resolve();
    source.start();
  });
}

/** One sentence through the Web Speech API, in a system voice of its language when there is one. */
function speak(sentence: { lang: Language; text: string }, volume: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (typeof speechSynthesis === 'undefined') return resolve(false);
    const utterance = new SpeechSynthesisUtterance(sentence.text);
    utterance.lang = SPEECH_LANG[sentence.lang];
    utterance.volume = volume;
    const voice = speechSynthesis.getVoices().find((v) => v.lang.toLowerCase().startsWith(sentence.lang));
    if (voice) utterance.voice = voice;
    utterance.onend = () => resolve(true);
    utterance.onerror = () => resolve(false);
    speechSynthesis.speak(utterance);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The promise's value, or undefined once `ms` have passed without one. */
function within<T>(ms: number, promise: Promise<T>): Promise<T | undefined> {
  return Promise.race([promise, sleep(ms).then(() => undefined)]);
}
