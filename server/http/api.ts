import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { slugSchema } from '../../core/ids.ts';
import { ROLES, type Role } from '../../core/protocol.ts';
import {
  type PublicVenue,
  publicVenue,
  segmentSchema,
  touchpointSchema,
  type Venue,
  venueSchema,
  weeklyReportSchema,
} from '../../core/venue.ts';
import { describeZodIssues } from '../../core/zod-errors.ts';
import { AccessDenied, type Accounts } from '../auth/access.ts';
import { SESSION_COOKIE, sessionTokenFrom } from '../auth/credentials.ts';
import { type LoginThrottle, Throttled } from '../auth/login-throttle.ts';
import { HashingBusy } from '../auth/secrets.ts';
import type { HubStore, UserRecord } from '../store/hub-store.ts';
import type { Venues } from '../venues.ts';
import { queueRoutes } from './queue-routes.ts';
import { analyticsRoutes } from './analytics-routes.ts';
import { feedbackRoutes } from './feedback-routes.ts';
import type { VisitFeedbackService } from '../analytics/visit-feedback.ts';
import { programmeRoutes } from './programme-routes.ts';
import { taskRoutes } from './task-routes.ts';
import { reportRoutes } from './report-routes.ts';
import type { AlertService } from '../alerts/alert-service.ts';
import { ApiError } from './api-error.ts';
import type { AnalyticsService } from '../analytics/analytics-service.ts';

import type { HubQueues } from '../queue/hub-queues.ts';
import { type Clock, systemClock } from '../../core/logger.ts';

const loginBody = z.strictObject({ username: z.string().min(1), password: z.string().min(1) });
const userBody = z.strictObject({
  username: slugSchema,
  password: z.string().min(8, 'at least 8 characters'),
  role: z.enum(ROLES),
  venueIds: z.array(slugSchema).default([]),
  departments: z.array(z.string().min(1).max(100)).default([]),
});
const journeyBody = z.strictObject({
  touchpoints: z.array(touchpointSchema),
  segments: z.array(segmentSchema).optional(),
});
const deviceBody = z.strictObject({ deviceId: slugSchema, name: z.string().min(1).max(200).optional() });

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new ApiError(400, 'invalid-request', describeZodIssues(result.error));
  }
  return result.data;
}

/** Webhook URLs carry their secrets: only admins, who configure them (PUT /venues), see them. */
function venueFor(user: Pick<UserRecord, 'role'>, venue: Venue): Venue | PublicVenue {
  return user.role === 'admin' ? venue : publicVenue(venue);
}

const DENIED_STATUS: Record<AccessDenied['code'], number> = {
  'login-failed': 401,
  'session-missing': 401,
  'session-invalid': 401,
  'forbidden-role': 403,
  'forbidden-venue': 403,
};

/** The hub's JSON API under /api. Every route states the role it needs and checks the venue. */
export function apiRouter(deps: {
  store: HubStore;
  accounts: Accounts;
  venues: Venues;
  queues: HubQueues;
  analytics: AnalyticsService;
  alerts: AlertService;
  /** The hub's clock: "today" and the end of a running day for reports. */
  clock?: Clock;
  throttle: LoginThrottle;
  feedback: VisitFeedbackService;
}): express.Router {
  const { store, accounts, venues, queues, analytics, alerts, throttle, feedback } = deps;
  const clock = deps.clock ?? systemClock;
  const router = express.Router();
  router.use(express.json({ limit: '256kb' }));

  const session = (req: Request) => sessionTokenFrom(req.headers);
  const requireVenue = (req: Request, role: Role) =>
    accounts.requireVenue(session(req), String(req.params.venueId), role);
  const requireAdmin = async (req: Request) => {
    const user = await accounts.userForSession(session(req));
    if (user.role !== 'admin')
      throw new AccessDenied('forbidden-role', `this needs the admin role; ${user.username} is ${user.role}`);
    return user;
  };

  router.post('/login', async (req, res) => {
    const { username, password } = parseBody(loginBody, req.body);
    // The socket's own address: a forwarded-for header is the client's to forge (docs/security.md).
    const address = req.socket.remoteAddress ?? 'unknown';
    await throttle.attempt(username, address);
    let signedIn: Awaited<ReturnType<Accounts['login']>>;
    try {
      signedIn = await accounts.login(username, password);
      await throttle.succeeded(username, address);
    } finally {
      throttle.finished(address);
    }
    const { token, user, expiresAt } = signedIn;
    // A lifetime, not a date: the browser counts it on its own clock, whatever the hub's says.
    const maxAge = expiresAt - clock.now();
    res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', maxAge, path: '/' });
    res.json({
      token,
      expiresAt,
      user: { username: user.username, role: user.role, venueIds: user.venueIds, departments: user.departments },
    });
  });

  router.post('/logout', async (req, res) => {
    const token = session(req);
    if (token) await accounts.logout(token);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.json({ ok: true });
  });

  router.get('/me', async (req, res) => {
    const user = await accounts.userForSession(session(req));
    res.json({ username: user.username, role: user.role, venueIds: user.venueIds, departments: user.departments });
  });

  router.get('/venues', async (req, res) => {
    const user = await accounts.userForSession(session(req));
    const all = await store.listVenues();
    const mine = user.role === 'admin' ? all : all.filter((v) => user.venueIds.includes(v.id));
    res.json(mine.map((venue) => venueFor(user, venue)));
  });

  router.put('/venues/:venueId', async (req, res) => {
    await requireAdmin(req);
    const venue = parseBody(venueSchema, { ...req.body, id: req.params.venueId });
    res.json(await venues.upsert(venue));
  });

  // The journey map (touchpoints with owners and counters, segments) is the venue manager's to edit.
  router.put('/venues/:venueId/journey', async (req, res) => {
    const user = await requireVenue(req, 'manager');
    const current = await store.getVenue(String(req.params.venueId));
    if (!current) throw new ApiError(404, 'unknown-venue', `no venue ${String(req.params.venueId)}`);
    const journey = parseBody(journeyBody, req.body);
    res.json(venueFor(user, await venues.upsert({ ...current, ...journey })));
  });

  // The weekly report's schedule, language and addresses are the venue manager's too; null stops it.
  router.put('/venues/:venueId/reports/weekly', async (req, res) => {
    const user = await requireVenue(req, 'manager');
    const current = await store.getVenue(String(req.params.venueId));
    if (!current) throw new ApiError(404, 'unknown-venue', `no venue ${String(req.params.venueId)}`);
    const weekly = parseBody(weeklyReportSchema.nullable(), req.body);
    const reports = weekly === null ? {} : { weekly };
    res.json(venueFor(user, await venues.upsert({ ...current, reports })));
  });

  router.get('/venues/:venueId/versions', async (req, res) => {
    const user = await requireVenue(req, 'manager');
    const versions = await store.venueVersions(String(req.params.venueId));
    res.json(versions.map((saved) => ({ ...saved, venue: venueFor(user, saved.venue) })));
  });

  router.get('/venues/:venueId/touchpoints/counts', async (req, res) => {
    await requireVenue(req, 'staff');
    res.json(await store.touchpointCounts(String(req.params.venueId)));
  });

  router.get('/venues/:venueId/devices', async (req, res) => {
    await requireVenue(req, 'staff');
    const devices = await store.listDevices(String(req.params.venueId));
    res.json(devices.map(({ tokenHash: _secret, ...device }) => device));
  });

  router.post('/venues/:venueId/devices', async (req, res) => {
    await requireVenue(req, 'manager');
    const body = parseBody(deviceBody, req.body);
    const created = await venues.addDevice({
      venueId: String(req.params.venueId),
      deviceId: body.deviceId,
      name: body.name,
    });
    res.status(201).json(created);
  });

  // The webhook outbox of a venue: what waits, what went through, and what was given up (dead),
  // for the admins who configure webhooks. ?state=pending|delivered|dead narrows it.
  router.get('/venues/:venueId/webhook-deliveries', async (req, res) => {
    await requireAdmin(req);
    const state = req.query.state === undefined ? undefined : String(req.query.state);
    if (state !== undefined && !['pending', 'delivered', 'dead'].includes(state))
      throw new ApiError(400, 'invalid-request', `state is pending, delivered or dead, not "${state}"`);
    const deliveries = await store.webhookDeliveries(
      String(req.params.venueId),
      state as 'pending' | 'delivered' | 'dead' | undefined,
    );
    res.json(deliveries.map(({ payload: _payload, ...delivery }) => delivery));
  });

  // A lost or copied kiosk token: the new one is shown once, and the kiosk on the old one is cut.
  router.post('/venues/:venueId/devices/:deviceId/rotate-token', async (req, res) => {
    await requireVenue(req, 'manager');
    const deviceId = String(req.params.deviceId);
    const token = await venues.rotateDeviceToken(deviceId, String(req.params.venueId)).catch((error: Error) => {
      throw new ApiError(404, 'unknown-device', error.message);
    });
    res.status(201).json({ deviceId, token });
  });

  router.post('/venues/:venueId/board-token', async (req, res) => {
    await requireVenue(req, 'manager');
    res.status(201).json({ token: await venues.newBoardToken(String(req.params.venueId)) });
  });

  queueRoutes(router, { queues, requireVenue, parseBody, clock });
  analyticsRoutes(router, { analytics, store, clock, requireVenue });
  feedbackRoutes(router, { feedback, parseBody, clock });
  taskRoutes(router, { alerts, store, requireVenue, parseBody });
  programmeRoutes(router, { store, venues, requireVenue, parseBody });
  reportRoutes(router, {
    store,
    requireVenue,
    currentUser: (req) => accounts.userForSession(session(req)),
    clock,
    analytics,
  });

  router.post('/users', async (req, res) => {
    await requireAdmin(req);
    const body = parseBody(userBody, req.body);
    const user = await accounts.createUser(body);
    res
      .status(201)
      .json({ username: user.username, role: user.role, venueIds: user.venueIds, departments: user.departments });
  });

  // Every session of a user ends, and their open screens disconnect on every hub.
  router.post('/users/:username/sign-out', async (req, res) => {
    await requireAdmin(req);
    const username = String(req.params.username);
    if (!(await store.getUserByUsername(username)))
      throw new ApiError(404, 'unknown-user', `no user "${username}" on this hub`);
    res.json({ username, sessionsEnded: await accounts.signOutEverywhere(username) });
  });

  router.use((_req, _res, next) => next(new ApiError(404, 'not-found', 'no such API route')));
  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof Throttled) {
      res.setHeader('Retry-After', String(error.retryAfterSec));
      res.status(429).json({ error: { code: 'too-many-attempts', message: error.message } });
    } else if (error instanceof HashingBusy) {
      res.setHeader('Retry-After', '2');
      res.status(503).json({ error: { code: 'busy', message: error.message } });
    } else if (error instanceof AccessDenied) {
      res.status(DENIED_STATUS[error.code]).json({ error: { code: error.code, message: error.message } });
    } else if (error instanceof ApiError) {
      res.status(error.status).json({ error: { code: error.code, message: error.message } });
    } else if (error instanceof SyntaxError || (error as { type?: string }).type === 'entity.parse.failed') {
      res.status(400).json({ error: { code: 'invalid-json', message: 'the request body is not valid JSON' } });
    } else if ((error as { type?: string }).type === 'entity.too.large') {
      res.status(413).json({ error: { code: 'too-large', message: 'the request body is over 256 KB' } });
    } else {
      const message = (error as Error).message ?? String(error);
      const conflict = /already (exists|registered)|does not exist|not registered/.test(message);
      res.status(conflict ? 409 : 500).json({ error: { code: conflict ? 'conflict' : 'internal', message } });
    }
  });
  return router;
}
