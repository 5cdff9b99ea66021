import type { LiveQueues, QueueChange } from '../queue/live-queues.ts';

/**
 * Every queue change this hub's screens must see: its own commits, and (with several hubs) the
 * other hubs' commits once applied here. Each hub pushes them to its own sockets only
 * (`namespace.local`): every hub hears of every change, so a broadcast through the Redis adapter
 * would reach each screen once per hub.
 */
export function onQueueChange(queues: LiveQueues, handler: (change: QueueChange) => void): void {
  queues.on('changed', handler);
  queues.on('synced', handler);
}
