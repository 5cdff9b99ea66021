import express from 'express';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Server } from 'socket.io';
import { type Clock, type Logger, silentLogger, systemClock } from '../core/logger.ts';
import { publicVenue } from '../core/venue.ts';
import { MAX_BATCH_BYTES } from '../core/protocol.ts';
import { Accounts } from './auth/access.ts';
import { LoginThrottle } from './auth/login-throttle.ts';
import { HubEvents } from './hub-events.ts';
import { apiRouter } from './http/api.ts';
import { screensRouter } from './http/screens.ts';
import { callClipsRouter } from './http/call-clips.ts';
import { dropCrossOriginCookie, refuseCrossOriginChanges } from './http/same-origin.ts';
import { securityHeaders } from './http/security-headers.ts';
import { attachBoardNamespace } from './sockets/board-namespace.ts';
import { attachKioskNamespace } from './sockets/kiosk-namespace.ts';
import { attachStaffNamespace } from './sockets/staff-namespace.ts';
import { attachTicketNamespace } from './sockets/ticket-namespace.ts';
import { attachManageNamespace } from './sockets/manage-namespace.ts';
import type { NamespaceDeps } from './sockets/namespace-deps.ts';
import { CREDENTIAL_CHECK_MS, disconnectLapsed, disconnectRevoked } from './sockets/revocations.ts';
import { feedTouchpointCounts } from './sockets/touchpoint-counts.ts';
import type { HubStore } from './store/hub-store.ts';
import { createHubQueues, type HubQueues } from './queue/hub-queues.ts';
import { mergeOfflineTickets } from './queue/offline-tickets.ts';
import { VisitFeedbackService } from './analytics/visit-feedback.ts';
import { AnalyticsService } from './analytics/analytics-service.ts';
import { AlertService } from './alerts/alert-service.ts';
import { WebhookOutbox } from './alerts/webhook-outbox.ts';
import { type SmtpOptions, WeeklyReports } from './analytics/weekly-reports.ts';
import { Venues } from './venues.ts';
import { DevicePresence } from './cluster/device-presence.ts';
import { joinCluster, type HubCluster } from './cluster/hub-cluster.ts';

export interface HubOptions {
  store: HubStore;
  port?: number;
  host?: string;
  /** The built screens (vite build output); served at / when present. */
  screensDir?: string;
  /** The built-in call clips (`waitwell clips`, default dist/clips), served at /clips. */
  clipsDir?: string;
  /** Venues' own call recordings, a folder each (a board's `calls.clipFolder`); none when not given. */
  venueClipsDir?: string;
  /**
   * Several hubs for a chain: a Redis URL (redis://host:6379, `?prefix=NAME` to share one Redis
   * between clusters) joins every hub on it through the socket.io Redis adapter. Their store must
   * be the same PostgreSQL database. Unset: one hub on its own.
   */
  redis?: string;
  /** Where the hub's modules log (each as a child: `hub:queue`, `hub:cluster`); silent when not given. */
  log?: Logger;
  clock?: Clock;
  /** How often the hub drops sockets whose session expired or whose token was replaced (default 60 s). */
  credentialCheckMs?: number;
  /** Where weekly reports are e-mailed from (docs/configuration.md); without it they go to webhooks only. */
  smtp?: SmtpOptions;
}

export interface Hub {
  readonly url: string;
  readonly port: number;
  readonly store: HubStore;
  readonly accounts: Accounts;
  readonly venues: Venues;
  readonly queues: HubQueues;
  readonly alerts: AlertService;
  /** The venues' weekly reports; `runDue()` sends what the clock says is due. */
  readonly reports: WeeklyReports;
  readonly events: HubEvents;
  readonly io: Server;
  /** Set when the hub runs with other hubs (the `redis` option). */
  readonly cluster: HubCluster | undefined;
  close(): Promise<void>;
}

const DEFAULT_SCREENS_DIR = join(import.meta.dirname, '..', 'dist', 'renderer');
const DEFAULT_CLIPS_DIR = join(import.meta.dirname, '..', 'dist', 'clips');

/** Starts the hub: HTTP API, the screens, and the socket.io namespaces, on one port. */
export async function startHub(options: HubOptions): Promise<Hub> {
  const { store } = options;
  const log = options.log ?? silentLogger;
  const clock = options.clock ?? systemClock;
  // Joined first: a hub that cannot reach Redis must not start alone and split the venue's screens.
  const cluster = options.redis
    ? await joinCluster(options.redis, { log: log.child({ module: 'hub:cluster' }), clock })
    : undefined;
  const presence = new DevicePresence();
  const events = new HubEvents();
  const accounts = new Accounts(store, () => clock.now());
  const venues = new Venues(store);
  const queues = createHubQueues(store, { log: log.child({ module: 'hub:queue' }), clock });
  const alertLog = log.child({ module: 'hub:alerts' });
  const alerts = new AlertService(store, events, queues.live, {
    now: () => clock.now(),
    log: alertLog,
    ...(cluster ? { claimRun: (venueId, ms) => cluster.claim(`alerts:${venueId}`, ms) } : {}),
  });
  const webhooks = new WebhookOutbox(store, { now: () => clock.now(), log: alertLog });
  webhooks.on('failed', (d, error) =>
    alertLog.warn({ venueId: d.venueId, url: d.url, attempts: d.attempts }, `webhook failed, will retry: ${error}`),
  );
  webhooks.on('dead', (d, error) =>
    alertLog.error({ venueId: d.venueId, url: d.url, attempts: d.attempts }, `webhook given up: ${error}`),
  );
  // A new task's deliveries go out at once; the timer retries, on whichever hub is up.
  alerts.on('task', () => void webhooks.drain());
  webhooks.start();
  const analytics = new AnalyticsService(store);
  const reports = new WeeklyReports({
    store,
    analytics,
    clock,
    deliver: () => void webhooks.drain(),
    smtp: options.smtp,
    log: log.child({ module: 'hub:reports' }),
  });
  reports.start();

  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders());
  app.get('/health', (_req, res) => void res.json({ ok: true }));
  const throttle = LoginThrottle.create(options.redis);
  const feedback = new VisitFeedbackService(queues.live, store, { clock });
  app.use(
    '/api',
    refuseCrossOriginChanges,
    apiRouter({
      store,
      accounts,
      venues,
      queues,
      analytics,
      alerts,
      throttle,
      clock,
      feedback,
    }),
  );
  const screensDir = options.screensDir ?? DEFAULT_SCREENS_DIR;
  app.use(screensRouter(screensDir, queues.reads));
  app.use(callClipsRouter(options.clipsDir ?? DEFAULT_CLIPS_DIR, options.venueClipsDir));

  const httpServer: HttpServer = createServer(app);
  const io = new Server(httpServer, {
    // Above the batch limit, so an oversized batch gets a clear 'batch-too-large' answer instead of
    // a dropped connection; only a message over 4x the limit closes the socket.
    maxHttpBufferSize: MAX_BATCH_BYTES * 4,
    serveClient: false,
    allowRequest: dropCrossOriginCookie,
    ...(cluster ? { adapter: cluster.adapter } : {}),
  });
  const deps: NamespaceDeps = { store, accounts, events, queues, alerts, presence, clock };
  attachKioskNamespace(io, deps);
  const boards = attachBoardNamespace(io, deps);
  attachStaffNamespace(io, deps);
  attachTicketNamespace(io, deps);
  const managers = attachManageNamespace(io, deps);
  const counts = feedTouchpointCounts({
    events,
    store,
    audiences: [boards.counts, managers.counts],
    ...(cluster ? { share: (updates) => cluster.shareCounts(updates) } : {}),
  });
  cluster?.attach({ io, queues, venues, events, presence, counts });
  // A sign-out or a replaced token cuts the sockets it admitted, on every hub (revocations.ts).
  accounts.on('revoked', (revoked) => disconnectRevoked(io, revoked));
  venues.on('revoked', (revoked) => disconnectRevoked(io, revoked));
  const credentialCheck = setInterval(() => {
    disconnectLapsed(io, store, clock.now()).catch((error: Error) =>
      events.emit('fault', { where: 'credentials', error }),
    );
  }, options.credentialCheckMs ?? CREDENTIAL_CHECK_MS);
  credentialCheck.unref();
  // A saved venue (journey map, queues) reaches every kiosk and board of it at once.
  venues.on('updated', (venue) => {
    queues.live.forget(venue.id);
    io.of('/kiosk').to(`venue:${venue.id}`).emit('venue.updated', venue);
    io.of('/board').to(`venue:${venue.id}`).emit('venue.updated', publicVenue(venue));
  });
  mergeOfflineTickets({ events, commands: queues.commands }, { log: log.child({ module: 'hub:queue' }) });
  const faults = log.child({ module: 'hub' });
  events.on('fault', ({ where, error }) => faults.error({ where, err: error }, error.message));

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const host = options.host && options.host !== '0.0.0.0' && options.host !== '::' ? options.host : '127.0.0.1';

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    store,
    accounts,
    venues,
    queues,
    alerts,
    reports,
    events,
    io,
    cluster,
    async close() {
      alerts.stop();
      await reports.stop();
      await webhooks.stop();
      clearInterval(credentialCheck);
      // Only this hub's sockets: through the adapter, disconnectSockets would reach every hub's.
      io.local.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await cluster?.close();
      throttle.close();
      await store.close();
    },
  };
}
