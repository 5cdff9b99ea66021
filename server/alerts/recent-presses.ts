import type { AnyEventEnvelope } from '../../core/events.ts';
import { MINUTE_MS } from '../../core/queue/types.ts';
import type { HubStore, PressGroup } from '../store/hub-store.ts';

/** Minutes older than this have settled: presses for them come only from kiosks that were offline. */
const SETTLE_MS = 2 * MINUTE_MS;
/** How long settled minutes are kept before they are read again (late presses count by then). */
const REREAD_MS = MINUTE_MS;

interface Settled {
  readAt: number;
  from: number;
  /** Where the settled minutes end (a minute boundary): later minutes are read on every run. */
  until: number;
  groups: PressGroup[];
}

/**
 * A venue's presses per minute over the alert rules' lookback (two hours and more), as the rules
 * read them after every second of stored batches. The settled minutes are read once a minute and
 * kept; each run in between reads only the last minutes, so a busy venue's run costs what its last
 * two minutes of presses cost, not its last two hours'. A late press for a settled minute counts at
 * once when this hub stored it (`stored` drops the venue's settled minutes), else at the next
 * reading, within a minute: the rules look at windows of 15 minutes and more.
 */
export class RecentPresses {
  private readonly settled = new Map<string, Settled>();

  constructor(private readonly store: Pick<HubStore, 'feedbackSummary'>) {}

  /** The venue's presses in [from, to) per touchpoint, level, misuse and minute (from may reach a minute earlier). */
  async read(venueId: string, range: { from: number; to: number }): Promise<PressGroup[]> {
    let kept = this.settled.get(venueId);
    if (!kept || range.to - kept.readAt >= REREAD_MS || range.from < kept.from || range.to < kept.readAt) {
      const until = Math.max(range.from, Math.floor((range.to - SETTLE_MS) / MINUTE_MS) * MINUTE_MS);
      const groups = await this.store.feedbackSummary(
        venueId,
        { from: range.from, to: until },
        { bucketMs: MINUTE_MS },
      );
      kept = { readAt: range.to, from: range.from, until, groups };
      this.settled.set(venueId, kept);
    }
    const recent = await this.store.feedbackSummary(
      venueId,
      { from: kept.until, to: range.to },
      { bucketMs: MINUTE_MS },
    );
    return [...kept.groups, ...recent];
  }

  /** This hub stored a batch of the venue: a press in its settled minutes has them read again. */
  stored(venueId: string, events: readonly AnyEventEnvelope[], clockOffsetMs: number): void {
    const kept = this.settled.get(venueId);
    if (kept && events.some((e) => e.type === 'feedback.pressed' && e.occurredAt + clockOffsetMs < kept.until))
      this.settled.delete(venueId);
  }
}
