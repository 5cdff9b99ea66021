import { useEffect, useState } from 'react';
import type { KioskDeviceView, KioskScreenEvents, KioskStatusView } from '../../core/kiosk-screen.ts';
import type { PublicNoteView, QueueSnapshot } from '../../core/protocol.ts';
import { newerSnapshot } from '../../core/queue/newer-snapshot.ts';
import type { PublicVenue } from '../../core/venue.ts';

export interface KioskLive {
  /** False while the page cannot reach its own kiosk runtime (it restarts, or crashed). */
  runtimeUp: boolean;
  status: KioskStatusView | null;
  venue: PublicVenue | null;
  queue: QueueSnapshot | null;
  devices: KioskDeviceView[];
  /** What the venue tells customers it changed, for the idle screen. */
  notes: PublicNoteView[];
}

const EMPTY: KioskLive = { runtimeUp: false, status: null, venue: null, queue: null, devices: [], notes: [] };

/** The kiosk runtime's server-sent events (core/kiosk-screen.ts), folded into one state. */
export function useKioskEvents(): KioskLive {
  const [live, setLive] = useState<KioskLive>(EMPTY);
  useEffect(() => {
    const source = new EventSource('/local/events');
    const on = <K extends keyof KioskScreenEvents>(
      name: K,
      fold: (value: KioskScreenEvents[K], state: KioskLive) => KioskLive,
    ) => {
      source.addEventListener(name, (message) => {
        const value = JSON.parse((message as MessageEvent<string>).data) as KioskScreenEvents[K];
        setLive((state) => fold(value, { ...state, runtimeUp: true }));
      });
    };
    on('status', (status, state) => ({ ...state, status }));
    on('venue', (venue, state) => ({ ...state, venue }));
    on('queue', (queue, state) => ({ ...state, queue: newerSnapshot(state.queue, queue) }));
    on('devices', (devices, state) => ({ ...state, devices }));
    on('notes', (notes, state) => ({ ...state, notes }));
    source.addEventListener('open', () => setLive((state) => ({ ...state, runtimeUp: true })));
    // EventSource reconnects by itself; until then the screen says the kiosk is restarting.
    source.addEventListener('error', () => setLive((state) => ({ ...state, runtimeUp: false })));
    return () => source.close();
  }, []);
  return live;
}
