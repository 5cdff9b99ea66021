import type { Request, Response } from 'express';
import type { KioskDeviceView, KioskScreenEvents, KioskStatusView } from '../core/kiosk-screen.ts';
import { publicVenue } from '../core/venue.ts';
import type { KioskRuntime } from './runtime.ts';

/** A comment line now and then keeps proxies and idle timeouts from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

export function deviceViews(runtime: KioskRuntime): KioskDeviceView[] {
  return runtime.devices.summaries().map(({ id, kind, status }) => ({
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
  if (runtime.tickets.snapshot) send('queue', runtime.tickets.snapshot);

  const onStatus = () => send('status', statusView(runtime));
  const onPress: Parameters<typeof runtime.on<'press'>>[1] = (event) =>
    send('press', {
      pressId: event.id,
      touchpointId: event.payload.touchpointId,
      level: event.payload.level,
      source: event.payload.source,
      misuse: event.payload.misuse ?? false,
    });
  const onDevice = () => send('devices', deviceViews(runtime));
  const onVenue: Parameters<typeof runtime.sync.on<'venue'>>[1] = (venue) => send('venue', publicVenue(venue));
  const onQueue: Parameters<typeof runtime.sync.on<'queue'>>[1] = (snapshot) => send('queue', snapshot);
  runtime.on('status', onStatus);
  runtime.on('press', onPress);
  runtime.devices.on('status', onDevice);
  runtime.sync.on('venue', onVenue);
  runtime.sync.on('queue', onQueue);
  // The outbox count moves with every press and ack: refresh the status a few times a minute too.
  const heartbeat = setInterval(() => {
    res.write(': heartbeat\n\n');
    onStatus();
  }, HEARTBEAT_MS);

  req.on('close', () => {
    clearInterval(heartbeat);
    runtime.off('status', onStatus);
    runtime.off('press', onPress);
    runtime.devices.off('status', onDevice);
    runtime.sync.off('venue', onVenue);
    runtime.sync.off('queue', onQueue);
  });
}
