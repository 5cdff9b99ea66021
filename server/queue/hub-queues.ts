import type { Clock, Logger } from '../../core/logger.ts';
import type { HubStore } from '../store/hub-store.ts';
import { ClusterInbox } from './cluster-inbox.ts';
import { LiveQueues } from './live-queues.ts';
import { QueueCommands } from './queue-commands.ts';
import { QueueReadModel } from './queue-read-model.ts';

/** The hub's queues, by job: the live projections and their changes, commands, reads, and other hubs' commits. */
export interface HubQueues {
  readonly live: LiveQueues;
  readonly commands: QueueCommands;
  readonly reads: QueueReadModel;
  readonly inbox: ClusterInbox;
}

export function createHubQueues(store: HubStore, options: { clock?: Clock; log?: Logger } = {}): HubQueues {
  const live = new LiveQueues(store, options);
  const reads = new QueueReadModel(live, store, options);
  const inbox = new ClusterInbox(live, reads, store);
  const commands = new QueueCommands({ queues: live, reads, inbox, store }, options);
  return { live, commands, reads, inbox };
}
