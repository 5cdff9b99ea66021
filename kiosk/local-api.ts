import express, { type NextFunction, type Request, type Response } from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { feedbackLevelSchema, InvalidEventError, PRESS_SOURCES } from '../core/events.ts';
import { eventIdSchema, slugSchema } from '../core/ids.ts';
import type { KioskRuntime } from './runtime.ts';

const pressBody = z.strictObject({
  touchpointId: slugSchema,
  level: feedbackLevelSchema,
  source: z.enum(PRESS_SOURCES).default('screen'),
});
const reasonBody = z.strictObject({ touchpointId: slugSchema, pressId: eventIdSchema, reasonId: slugSchema });

/**
 * The local API the kiosk screen talks to, on 127.0.0.1 only. A 201 means the event is committed
 * to the kiosk's store: from then on it reaches the hub exactly once, online or not.
 */
export async function startLocalApi(runtime: KioskRuntime, port: number): Promise<{ server: Server; url: string }> {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '64kb' }));

  app.get('/local/status', (_req, res) => void res.json(runtime.status()));

  app.post('/local/feedback', (req, res) => {
    const body = pressBody.safeParse(req.body);
    if (!body.success) return void res.status(400).json({ error: { code: 'invalid-request', message: body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') } });
    res.status(201).json(runtime.recordPress(body.data));
  });

  app.post('/local/feedback/reason', (req, res) => {
    const body = reasonBody.safeParse(req.body);
    if (!body.success) return void res.status(400).json({ error: { code: 'invalid-request', message: body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') } });
    res.status(201).json(runtime.store.append('feedback.reason', body.data));
  });

  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof InvalidEventError) return void res.status(400).json({ error: { code: 'invalid-event', message: error.message } });
    if ((error as { type?: string }).type === 'entity.parse.failed') return void res.status(400).json({ error: { code: 'invalid-json', message: 'the request body is not valid JSON' } });
    // Most likely the disk: the event was NOT recorded, and the screen must say so.
    res.status(503).json({ error: { code: 'not-recorded', message: `the kiosk could not record this (${(error as Error).message}); tell staff` } });
  });

  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
