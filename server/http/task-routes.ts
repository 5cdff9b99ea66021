import type express from 'express';
import type { Request } from 'express';
import { z } from 'zod';
import { keptPromises } from '../../core/alerts/promises.ts';
import { effectCheck, type EffectData, type Task, TaskTransitionError } from '../../core/alerts/tasks.ts';
import { experienceOfPress } from '../../core/analytics/scores.ts';
import type { Role } from '../../core/protocol.ts';
import type { AlertService } from '../alerts/alert-service.ts';
import type { HubStore } from '../store/hub-store.ts';
import { ApiError } from './api-error.ts';

const ACTIONS = { acknowledge: 'acknowledged', resolve: 'resolved', verify: 'verified' } as const;
/** Verifying a fix is a manager's call; the staff who own the task acknowledge and resolve it. */
const ROLE_FOR: Record<keyof typeof ACTIONS, Role> = { acknowledge: 'staff', resolve: 'staff', verify: 'manager' };
const DAY_MS = 24 * 60 * 60_000;

const noteText = z.string().trim().min(1).max(200);
/** "You said the waiting area was cold; we fixed the heating on 3 Dec", in every language customers read. */
const publicNoteBody = z.strictObject({
  text: z.strictObject({ ko: noteText, zh: noteText, en: noteText }),
  days: z.number().int().min(1).max(90),
});

/**
 *   GET  /api/venues/:venueId/tasks                        the venue's tasks, newest first (staff)
 *   GET  /api/venues/:venueId/tasks/:taskId                one task with its effect check (staff)
 *   POST /api/venues/:venueId/tasks/:taskId/acknowledge    (staff)  .../resolve (staff)  .../verify (manager)
 *   PUT  /api/venues/:venueId/tasks/:taskId/public-note    (manager) a verified task's note to customers
 */
export function taskRoutes(
  router: express.Router,
  deps: {
    alerts: AlertService;
    store: HubStore;
    requireVenue: (req: Request, role: Role) => Promise<unknown>;
    parseBody: <T>(schema: z.ZodType<T>, body: unknown) => T;
  },
): void {
  const venueOf = (req: Request) => String(req.params.venueId);

  router.get('/venues/:venueId/tasks', async (req, res) => {
    await deps.requireVenue(req, 'staff');
    res.json(await deps.store.tasks(venueOf(req)));
  });

  router.get('/venues/:venueId/tasks/:taskId', async (req, res) => {
    await deps.requireVenue(req, 'staff');
    const tasks = await deps.store.tasks(venueOf(req));
    const task = tasks.find((t) => t.id === req.params.taskId);
    if (!task) throw new ApiError(404, 'unknown-task', 'no such task at this venue');
    res.json({
      ...task,
      effect: effectCheck(task, await effectData(deps.store, venueOf(req), task, tasks), deps.alerts.now()),
    });
  });

  router.put('/venues/:venueId/tasks/:taskId/public-note', async (req, res) => {
    await deps.requireVenue(req, 'manager');
    const { text, days } = deps.parseBody(publicNoteBody, req.body);
    const task = await translateTransition(() =>
      deps.alerts.setPublicNote(venueOf(req), String(req.params.taskId), text, days),
    );
    res.json(task);
  });

  router.post('/venues/:venueId/tasks/:taskId/:action', async (req, res) => {
    const action = String(req.params.action);
    if (!(action in ACTIONS))
      throw new ApiError(404, 'not-found', `no task action "${action}": acknowledge, resolve or verify`);
    await deps.requireVenue(req, ROLE_FOR[action as keyof typeof ACTIONS]);
    const to = ACTIONS[action as keyof typeof ACTIONS];
    res.json(await translateTransition(() => deps.alerts.move(venueOf(req), String(req.params.taskId), to)));
  });
}

async function translateTransition(change: () => Promise<Task | undefined>): Promise<Task> {
  try {
    const task = await change();
    if (!task) throw new ApiError(404, 'unknown-task', 'no such task at this venue');
    return task;
  } catch (error) {
    if (error instanceof TaskTransitionError) throw new ApiError(409, 'task-state', error.message);
    throw error;
  }
}

/** What the effect check of a task weighs, a day either side: by rule, presses, calls or outages. */
async function effectData(store: HubStore, venueId: string, task: Task, tasks: readonly Task[]): Promise<EffectData> {
  if (task.resolvedAt === null) return {};
  const range = { from: task.openedAt - DAY_MS, to: task.resolvedAt + DAY_MS };
  if (task.rule === 'device-down') {
    // The device's times down past the rule's grace, as its tasks (this one and those before and after) record them.
    const outages = tasks
      .filter((t) => t.causeKey === task.causeKey)
      .map((t) => ({ from: t.openedAt, to: t.resolvedAt }));
    return { outages };
  }
  if (task.rule === 'wait-over-promise') {
    const serviceId = task.subject.slice('wait:'.length);
    const calls = keptPromises(await store.queueEvents(venueId)).filter(
      (c) => c.serviceId === serviceId && c.at >= range.from && c.at < range.to,
    );
    return { calls };
  }
  // On the venue's own scale, as its analytics score the same presses.
  const presses = await store.feedbackPresses(venueId, [{ touchpointIds: [task.subject], ...range }]);
  const scale = (await store.getVenue(venueId))?.analytics.experienceScale;
  return {
    moments: presses
      .filter((p) => !p.misuse)
      .map((p) => ({ at: p.at, experience: experienceOfPress(p.level, scale ?? undefined) })),
  };
}
