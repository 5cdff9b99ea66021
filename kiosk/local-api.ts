import express, { type NextFunction, type Request, type Response } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { z } from 'zod';
import { feedbackLevelSchema, InvalidEventError, PRESS_SOURCES } from '../core/events.ts';
import { eventIdSchema, slugSchema } from '../core/ids.ts';
import { languageSchema } from '../core/languages.ts';
import { HUB_UNREACHABLE } from '../core/kiosk-texts.ts';
import { ReasonRefused, type KioskRuntime } from './runtime.ts';
import { HubUnreachableError } from './sync-client.ts';
import { TicketRefused } from './ticket-desk.ts';
import { NoPrinterError } from './device-host.ts';
import { deviceViews, statusView, streamScreenEvents } from './screen-events.ts';
import type { KioskScreenSettings } from '../core/kiosk-screen.ts';
import { contentSecurityPolicy } from '../core/kiosk-shell.ts';
import { describeZodIssues } from '../core/zod-errors.ts';

function timingSafeEqualText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

const pressBody = z.strictObject({
  touchpointId: slugSchema,
  level: feedbackLevelSchema,
  source: z.enum(PRESS_SOURCES).default('screen'),
});
const windowBody = z.strictObject({ from: z.number().int(), to: z.number().int() });
const quoteBody = z.strictObject({ serviceId: slugSchema, segmentId: slugSchema.optional() });
const ticketBody = z.strictObject({
  serviceId: slugSchema,
  segmentId: slugSchema.optional(),
  language: languageSchema,
  returnWindow: windowBody.optional(),
});
const keyBody = z.strictObject({
  key: z.string().min(1).max(32),
  code: z.string().max(32).optional(),
  repeat: z.boolean().optional(),
});
const reasonBody = z.strictObject({ touchpointId: slugSchema, pressId: eventIdSchema, reasonId: slugSchema });
const pinBody = z.strictObject({ pin: z.string().max(16) });
const testPrintBody = z.strictObject({ pin: z.string().max(16), printerId: z.string().min(1).max(64) });

/** Wrong staff PINs: 5 within 5 minutes lock the panel until those 5 minutes are over (one screen, one count). */
const PIN_TRIES = { points: 5, duration: 5 * 60 };
const PIN_KEY = 'staff-pin';

/** Every request of the screen is a few hundred bytes; more is a fault or an attack, refused with 413. */
const BODY_LIMIT = '64kb';

/** Where the Vite build puts the screens; the kiosk serves renderer/kiosk from it at `/`. */
const SCREENS_DIR = join(import.meta.dirname, '..', 'dist', 'renderer');

function invalidRequest(res: Response, error: z.ZodError): void {
  res.status(400).json({
    error: {
      code: 'invalid-request',
      message: describeZodIssues(error),
    },
  });
}

/**
 * The local API the kiosk screen talks to, on 127.0.0.1 only. A 201 means the event is committed
 * to the kiosk's store: from then on it reaches the hub exactly once, online or not.
 */
export async function startLocalApi(
  runtime: KioskRuntime,
  port: number,
  screensDir = SCREENS_DIR,
): Promise<{ server: Server; url: string }> {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: BODY_LIMIT }));

  // The kiosk screen itself, and the build's shared assets, under the same Content-Security-Policy
  // the Electron shell enforces, so a screen that breaks it fails in a plain browser too.
  app.use((req, res, next) => {
    if (!req.path.startsWith('/local/'))
      res.setHeader(
        'Content-Security-Policy',
        contentSecurityPolicy({ screen: `http://${req.headers.host ?? '127.0.0.1'}`, hub: runtime.config.hubUrl }),
      );
    next();
  });
  app.get('/', (_req, res) => {
    const page = join(screensDir, 'kiosk', 'index.html');
    if (!existsSync(page))
      return void res.status(503).type('text').send('The kiosk screen is not built: run "npm run build:renderer".');
    res.sendFile(page);
  });
  app.use(express.static(screensDir, { index: false }));

  app.get('/local/events', (req, res) => streamScreenEvents(runtime, req, res));

  app.get('/local/screen', (_req, res) => {
    const screen = runtime.config.screen;
    const settings: KioskScreenSettings = {
      touchpointId: screen.touchpointId ?? null,
      services: screen.services,
      adminPinSet: screen.adminPin !== undefined,
      idleSeconds: screen.idleSeconds,
      keysToCatch: runtime.keysToCatch(),
    };
    res.json(settings);
  });

  // The staff panel: the PIN is checked here, never sent to the screen. Four digits fall to 10,000
  // guesses, so wrong ones are counted (rate-limiter-flexible, docs/security.md) and answered 429
  // with Retry-After once PIN_TRIES.points of them fall within PIN_TRIES.duration seconds.
  const pinTries = new RateLimiterMemory(PIN_TRIES);
  const pinOk = async (pin: string, res: Response): Promise<boolean> => {
    const tried = await pinTries.get(PIN_KEY);
    if (tried && tried.consumedPoints >= PIN_TRIES.points) {
      const retryAfterSec = Math.max(1, Math.ceil(tried.msBeforeNext / 1000));
      res.setHeader('Retry-After', String(retryAfterSec));
      res.status(429).json({
        error: {
          code: 'too-many-attempts',
          message: `too many wrong PINs: the staff panel is locked for ${Math.ceil(retryAfterSec / 60)} min`,
          retryAfterSec,
        },
      });
      return false;
    }
    const adminPin = runtime.config.screen.adminPin;
    if (adminPin !== undefined && timingSafeEqualText(pin, adminPin)) {
      await pinTries.delete(PIN_KEY);
      return true;
    }
    await pinTries.penalty(PIN_KEY, 1);
    res.status(403).json({ error: { code: 'wrong-pin', message: 'wrong PIN' } });
    return false;
  };
  app.post('/local/admin/unlock', async (req, res) => {
    const body = pinBody.safeParse(req.body);
    if (!body.success) return invalidRequest(res, body.error);
    if (runtime.config.screen.adminPin === undefined)
      return void res.status(403).json({
        error: {
          code: 'no-admin-pin',
          message: 'no admin PIN is set: add screen.adminPin to the kiosk configuration',
        },
      });
    if (!(await pinOk(body.data.pin, res))) return;
    res.json({ ok: true, status: statusView(runtime), devices: deviceViews(runtime) });
  });
  app.post('/local/admin/test-print', async (req, res) => {
    const body = testPrintBody.safeParse(req.body);
    if (!body.success) return invalidRequest(res, body.error);
    if (!(await pinOk(body.data.pin, res))) return;
    try {
      await runtime.testPrint(body.data.printerId);
      res.json({ ok: true });
    } catch (error) {
      if (error instanceof NoPrinterError)
        return void res.status(404).json({ error: { code: error.code, message: error.message } });
      const code = (error as { code?: string }).code ?? 'print-failed';
      res.status(409).json({ error: { code, message: (error as Error).message } });
    }
  });

  app.get('/local/status', (_req, res) => void res.json(runtime.status()));

  app.get(
    '/local/devices',
    (_req, res) => void res.json({ devices: runtime.deviceSummaries(), keysToCatch: runtime.keysToCatch() }),
  );

  // Keyboard-mode keypads: only the focused screen sees their keys, so it forwards them here.
  app.post('/local/keys', (req, res) => {
    const body = keyBody.safeParse(req.body);
    if (!body.success) return invalidRequest(res, body.error);
    res.status(202).json({ press: runtime.forwardKey(body.data) });
  });

  app.get('/local/queue', (_req, res) => {
    const snapshot = runtime.queueSnapshot;
    if (!snapshot)
      return void res
        .status(503)
        .json({ error: { code: 'no-queue-yet', message: 'no queue state from the hub yet', texts: HUB_UNREACHABLE } });
    res.json(snapshot);
  });

  app.post('/local/tickets/quote', async (req, res, next) => {
    const body = quoteBody.safeParse(req.body);
    if (!body.success) return invalidRequest(res, body.error);
    try {
      res.json(await runtime.quoteTicket(body.data.serviceId, body.data.segmentId));
    } catch (error) {
      next(error);
    }
  });

  // 201: the hub numbered the ticket; `print` says whether it is on paper or only on screen.
  app.post('/local/tickets', async (req, res, next) => {
    const body = ticketBody.safeParse(req.body);
    if (!body.success) return invalidRequest(res, body.error);
    try {
      res.status(201).json(await runtime.takeTicket(body.data));
    } catch (error) {
      next(error);
    }
  });

  // A return-time holder is back: the screen scanned the QR (…/t/<ticket id>) on their ticket.
  app.post('/local/tickets/:ticketId/check-in', async (req, res, next) => {
    const ticketId = eventIdSchema.safeParse(req.params.ticketId);
    if (!ticketId.success) return invalidRequest(res, ticketId.error);
    try {
      res.json(await runtime.checkInTicket(ticketId.data));
    } catch (error) {
      next(error);
    }
  });

  app.post('/local/feedback', (req, res) => {
    const body = pressBody.safeParse(req.body);
    if (!body.success) return invalidRequest(res, body.error);
    const { touchpointId } = body.data;
    if (!runtime.onJourneyMap(touchpointId))
      return void res.status(422).json({
        error: {
          code: 'unknown-touchpoint',
          message: `touchpoint "${touchpointId}" is not on the venue's journey map: nothing recorded`,
          params: { touchpointId },
        },
      });
    res.status(201).json(runtime.recordPress(body.data));
  });

  app.post('/local/feedback/reason', (req, res) => {
    const body = reasonBody.safeParse(req.body);
    if (!body.success) return invalidRequest(res, body.error);
    try {
      res.status(201).json(runtime.recordReason(body.data));
    } catch (error) {
      if (!(error instanceof ReasonRefused)) throw error;
      res.status(422).json({ error: { code: error.code, message: error.message } });
    }
  });

  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof HubUnreachableError || (error as Error).message?.startsWith('operation has timed out')) {
      return void res
        .status(503)
        .json({ error: { code: 'hub-unreachable', message: (error as Error).message, texts: HUB_UNREACHABLE } });
    }
    if (error instanceof TicketRefused)
      return void res.status(409).json({
        // params: what the refusal is about, for the screen to say it in the customer's language
        error: { code: error.failure.code, message: error.failure.message, params: error.failure.params ?? {} },
      });
    if (error instanceof InvalidEventError)
      return void res.status(400).json({ error: { code: 'invalid-event', message: error.message } });
    if ((error as { type?: string }).type === 'entity.parse.failed')
      return void res
        .status(400)
        .json({ error: { code: 'invalid-json', message: 'the request body is not valid JSON' } });
    if ((error as { type?: string }).type === 'entity.too.large')
      return void res.status(413).json({
        error: {
          code: 'too-large',
          message: `the request body is over ${BODY_LIMIT}; nothing was recorded: send only the fields the route takes`,
        },
      });
    // Most likely the disk: the event was NOT recorded, and the screen must say so.
    res.status(503).json({
      error: {
        code: 'not-recorded',
        message: `the kiosk could not record this (${(error as Error).message}); tell staff`,
      },
    });
  });

  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
