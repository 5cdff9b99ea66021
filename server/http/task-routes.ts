import type express from 'express';
import type { Request } from 'express';
import { effectCheck, TaskTransitionError } from '../../core/alerts/tasks.ts';
import { experienceOfPress } from '../../core/analytics/scores.ts';
import type { Role } from '../../core/protocol.ts';
import type { AlertService } from '../alerts/alert-service.ts';
import type { HubStore } from '../store/hub-store.ts';
import { ApiError } from './api-error.ts';

const ACTIONS = { acknowledge: 'acknowledged', resolve: 'resolved', verify: 'verified' } as const;
/** Verifying a fix is a manager's call; the staff who own the task acknowledge and resolve it. */
const ROLE_FOR: Record<keyof typeof ACTIONS, Role> = { acknowledge: 'staff', resolve: 'staff', verify: 'manager' };
const DAY_MS = 24 * 60 * 60_000;

/**
 *   GET  /api/venues/:venueId/tasks                        the venue's tasks, newest first (staff)
 *   GET  /api/venues/:venueId/tasks/:taskId                one task with its effect check (staff)
 *   POST /api/venues/:venueId/tasks/:taskId/acknowledge    (staff)  .../resolve (staff)  .../verify (manager)
 */
export function taskRoutes(
  router: express.Router,
  deps: { alerts: AlertService; store: HubStore; requireVenue: (req: Request, role: Role) => Promise<unknown> },
): void {
  const venueOf = (req: Request) => String(req.params.venueId);

  router.get('/venues/:venueId/tasks', async (req, res) => {
    await deps.requireVenue(req, 'staff');
    res.json(await deps.store.tasks(venueOf(req)));
  });

  router.get('/venues/:venueId/tasks/:taskId', async (req, res) => {
    await deps.requireVenue(req, 'staff');
    const task = (await deps.store.tasks(venueOf(req))).find((t) => t.id === req.params.taskId);
    if (!task) throw new ApiError(404, 'unknown-task', 'no such task at this venue');
    // The effect of a fix: the touchpoint's presses a day before the task against a day after.
    const presses =
      task.resolvedAt === null
        ? []
        : await deps.store.feedbackPresses(
            venueOf(req),
            { from: task.openedAt - DAY_MS, to: task.resolvedAt + DAY_MS },
            [task.subject],
          );
    // On the venue's own scale, as its analytics score the same presses.
    const scale = (await deps.store.getVenue(venueOf(req)))?.analytics.experienceScale;
    const moments = presses
      .filter((p) => !p.misuse)
      .map((p) => ({ at: p.at, experience: experienceOfPress(p.level, scale ?? undefined) }));
    res.json({ ...task, effect: effectCheck(task, moments) });
  });

  router.post('/venues/:venueId/tasks/:taskId/:action', async (req, res) => {
    const action = String(req.params.action);
    if (!(action in ACTIONS))
      throw new ApiError(404, 'not-found', `no task action "${action}": acknowledge, resolve or verify`);
    await deps.requireVenue(req, ROLE_FOR[action as keyof typeof ACTIONS]);
    try {
      const task = await deps.alerts.move(
        venueOf(req),
        String(req.params.taskId),
        ACTIONS[action as keyof typeof ACTIONS],
      );
      if (!task) throw new ApiError(404, 'unknown-task', 'no such task at this venue');
      res.json(task);
    } catch (error) {
      if (error instanceof TaskTransitionError) throw new ApiError(409, 'task-state', error.message);
      throw error;
    }
  });
}
