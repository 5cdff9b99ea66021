import type { AnyEventEnvelope } from '../../core/events.ts';
import type { IngestContext, IngestOutcome } from './hub-store.ts';

/** One device's batch waiting for a group to store it, and the kiosk's answer to give. */
export interface PendingBatch {
  deviceId: string;
  events: readonly AnyEventEnvelope[];
  context: IngestContext;
  resolve: (outcome: IngestOutcome) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for a store whose commits cost round trips and a WAL flush each (PostgreSQL): the
 * batches that arrive while a group is being stored wait and go together in the next one, so a
 * quiet hub stores a batch at once and a busy one pays one transaction per group, not per batch.
 * A device has at most one batch in a group or in flight: its next batch is planned against the
 * sequence the previous one committed, never against a guess.
 */
export class IngestGroups {
  private readonly waiting: PendingBatch[] = [];
  private readonly busyDevices = new Set<string>();
  private running = 0;

  constructor(
    /** Stores a group; settles every batch of it (answer or error) before it resolves. */
    private readonly store: (group: readonly PendingBatch[]) => Promise<void>,
    private readonly maxInFlight: number,
  ) {}

  submit(deviceId: string, events: readonly AnyEventEnvelope[], context: IngestContext): Promise<IngestOutcome> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ deviceId, events, context, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.maxInFlight) {
      const group = this.take();
      if (group.length === 0) return;
      this.running += 1;
      this.store(group)
        .catch((error: unknown) => {
          for (const batch of group) batch.reject(error);
        })
        .finally(() => {
          for (const batch of group) this.busyDevices.delete(batch.deviceId);
          this.running -= 1;
          this.pump();
        });
    }
  }

  /** Everything waiting, in arrival order, but a device's later batches stay for a later group. */
  private take(): PendingBatch[] {
    const group: PendingBatch[] = [];
    let kept = 0;
    for (const batch of this.waiting) {
      if (this.busyDevices.has(batch.deviceId)) this.waiting[kept++] = batch;
      else {
        this.busyDevices.add(batch.deviceId);
        group.push(batch);
      }
    }
    this.waiting.length = kept;
    return group;
  }
}
