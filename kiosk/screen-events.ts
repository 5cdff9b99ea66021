import type { Request, Response } from 'express';
import type { KioskDeviceView, KioskScreenEvents, KioskStatusView } from '../core/kiosk-screen.ts';
import { publicVenue } from '../core/venue.ts';
import type { KioskRuntime } from './runtime.ts';

/** A comment line now and then keeps proxies and idle timeouts from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

export function deviceViews(runtime: KioskRuntime): KioskDeviceView[] {
  return runtime.deviceSummaries().map(({ id, kind, status }) => ({
    id,
    kind,
    state: status.state,
    ...(status.code ? { code: status.code } : {}),
    ...(status.detail ? { detail: status.detail } : {}),
  }));
}

export function statusView(runtime: KioskRuntime): KioskStatusView {
  const { localUrl: _local, ...status } = runtime.status();
  return status;
}

/**
 * GET /local/events: the kiosk's news for its screen as server-sent events (KioskScreenEvents).
 * A new subscriber first gets the current state, so a reloaded screen is whole at once.
 */
export function streamScreenEvents(runtime: KioskRuntime, req: Request, res: Response): void {
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
  const send = <K extends keyof KioskScreenEvents>(name: K, value: KioskScreenEvents[K]) => {
    res.write(`event: ${name}\ndata: ${JSON.stringify(value)}\n\n`);
  };

  send('status', statusView(runtime));
  send('devices', deviceViews(runtime));
  if (runtime.currentVenue) send('venue', publicVenue(runtime.currentVenue));
  if (runtime.queueSnapshot) send('queue', runtime.queueSnapshot);
  send('notes', runtime.publicNotes);

  const onStatus = () => send('status', statusView(runtime));
  const onDevice = () => send('devices', deviceViews(runtime));
  const onVenue: Parameters<typeof runtime.on<'venue'>>[1] = (venue) => send('venue', publicVenue(venue));
  const onQueue: Parameters<typeof runtime.on<'queue'>>[1] = (snapshot) => send('queue', snapshot);
  runtime.on('status', onStatus);
  runtime.on('devices', onDevice);
  runtime.on('venue', onVenue);
  runtime.on('queue', onQueue);
  const onNotes: Parameters<typeof runtime.on<'notes'>>[1] = (notes) => send('notes', notes);
  runtime.on('notes', onNotes);
  // The outbox count moves with every press and ack: refresh the status a few times a minute too.
  const heartbeat = setInterval(() => {
    res.write(': heartbeat\n\n');
    onStatus();
  }, HEARTBEAT_MS);

  req.on('close', () => {
    clearInterval(heartbeat);
    runtime.off('status', onStatus);
    runtime.off('devices', onDevice);
    runtime.off('venue', onVenue);
    runtime.off('queue', onQueue);
    runtime.off('notes', onNotes);
  });
}
