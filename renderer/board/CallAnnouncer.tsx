import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { boardCalls, inQuietHours } from '../../core/calls/board-calls.ts';
import { CHIME, callClips, callSentences, counterNumber } from '../../core/calls/call-clips.ts';
import type { Language } from '../../core/languages.ts';
import type { CallNotice, QueueSnapshot } from '../../core/protocol.ts';
import type { PublicVenue } from '../../core/venue.ts';
import { queryParam } from '../shared/page-params.ts';
import { type Announcement, Announcer, reportAnnouncement } from './announcer.ts';
import './call-announcer.css';

/**
 * Says each new call aloud (docs/screens.md, wall board): the calls in the queue snapshot it has
 * not said yet, in order, one after the other. The calls already made when the board opens are
 * not said. `?board=<name>` picks the board's own options in the venue's `calls`.
 * Renders nothing, or a button when the browser will not play sound without a touch.
 */
export function CallAnnouncer({
  queue,
  venue,
  lang,
}: {
  queue: QueueSnapshot | null;
  venue: PublicVenue | null;
  lang: Language;
}) {
  const { t } = useTranslation();
  const [soundAllowed, setSoundAllowed] = useState(true);
  const announcer = useRef<Announcer | null>(null);
  announcer.current ??= new Announcer(setSoundAllowed);
  const said = useRef<number | null>(null);

  useEffect(() => {
    if (!queue) return;
    const calls = queue.recentCalls ?? [];
    const newest = Math.max(0, ...calls.map((c) => c.id));
    // The board just opened (earlier calls are history), or the hub's queue log started afresh.
    if (said.current === null || newest < said.current) {
      said.current = newest;
      return;
    }
    const fresh = calls.filter((c) => c.id > (said.current ?? 0));
    said.current = Math.max(said.current, newest);
    for (const call of fresh) announce(announcer.current!, call, venue, lang);
  }, [queue, venue, lang]);

  if (soundAllowed) return null;
  return (
    <div className="call-sound" role="alert">
      <p>{t('calls.soundOff')}</p>
      <button type="button" onClick={() => void announcer.current?.unlock()}>
        {t('calls.turnOnSound')}
      </button>
    </div>
  );
}

function announce(announcer: Announcer, call: CallNotice, venue: PublicVenue | null, lang: Language): void {
  const calls = boardCalls(venue?.calls, queryParam(window.location.search, 'board'), lang);
  const toSay = {
    number: call.number,
    serviceId: call.serviceId,
    counterNumber: counterNumber(venue?.counters ?? [], call.counterId),
    recall: call.recall,
  };
  const quiet = inQuietHours(calls.quietHours, Date.now(), venue?.timezone ?? 'UTC');
  if (quiet || calls.sound === 'off') {
    const silent = quiet ? 'quiet-hours' : 'off';
    for (const phase of ['start', 'end'] as const)
      reportAnnouncement({ phase, number: call.number, recall: call.recall, clips: [], played: [], silent });
    return;
  }
  const speech = calls.voice === 'web-speech' && calls.sound === 'voice' && typeof speechSynthesis !== 'undefined';
  const service = venue?.services.find((s) => s.id === call.serviceId);
  const announcement: Announcement = {
    number: call.number,
    recall: call.recall,
    clips: speech ? [CHIME] : callClips(toSay, calls),
    sentences: speech ? callSentences(toSay, calls, (l) => service?.name[l]) : null,
    clipBase: calls.clipFolder ? `/clips/custom/${encodeURIComponent(calls.clipFolder)}/` : '/clips/',
    volume: calls.volume,
  };
  announcer.add(announcement);
}
