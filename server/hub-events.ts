import { EventEmitter } from 'node:events';
import type { AnyEventEnvelope } from '../core/events.ts';

/** What happens inside the hub, for projections, boards and (later) alert rules to follow. */
export interface HubEventMap {
  'events.stored': [
    info: {
      venueId: string;
      deviceId: string;
      events: readonly AnyEventEnvelope[];
      touchpointsChanged: readonly string[];
      /** hub clock - kiosk clock, as the kiosk measured it for the batch (occurredAt + this = hub time). */
      clockOffsetMs: number;
    },
  ];
  'device.connected': [info: { venueId: string; deviceId: string }];
  'device.disconnected': [info: { venueId: string; deviceId: string }];
  // Not named 'error': EventEmitter throws an 'error' nobody listens to, and a fault must not stop the hub.
  fault: [info: { where: string; error: Error }];
}

export class HubEvents extends EventEmitter<HubEventMap> {}
