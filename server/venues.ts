import { venueSchema, type Venue, type VenueInput } from '../core/venue.ts';
import { hashToken, newToken } from './auth/secrets.ts';
import { EventEmitter } from 'node:events';
import type { HubStore } from './store/hub-store.ts';
import type { Revoked } from './sockets/revocations.ts';

export type VenuesEvents = {
  /** A venue was saved (a new version): kiosks and screens get it pushed. */
  updated: [venue: Venue];
  /** A board link or a kiosk token was replaced: the hub disconnects what the old one admitted. */
  revoked: [revoked: Revoked];
};

/** Provisioning: venues, the kiosks that report for them, and their read-only board tokens. */
export class Venues extends EventEmitter<VenuesEvents> {
  constructor(private readonly store: HubStore) {
    super();
  }

  /** Saves a venue as its next version (whatever version the input claims) and announces it. */
  async upsert(input: VenueInput): Promise<Venue> {
    const current = await this.store.getVenue(venueSchema.shape.id.parse(input.id));
    const venue = venueSchema.parse({ ...input, version: (current?.version ?? 0) + 1 });
    await this.store.upsertVenue(venue);
    this.emit('updated', venue);
    return venue;
  }

  /** Registers a kiosk and returns its token: shown once, stored only as a hash. */
  async addDevice(input: {
    venueId: string;
    deviceId: string;
    name?: string;
  }): Promise<{ deviceId: string; token: string }> {
    if (!(await this.store.getVenue(input.venueId)))
      throw new Error(`venue "${input.venueId}" does not exist: create it first`);
    if (await this.store.getDevice(input.deviceId))
      throw new Error(
        `device "${input.deviceId}" is already registered: give it a new token with ` +
          `waitwell hub --rotate-token ${input.venueId}/${input.deviceId}`,
      );
    const token = newToken();
    await this.store.addDevice({
      id: input.deviceId,
      venueId: input.venueId,
      name: input.name ?? input.deviceId,
      tokenHash: hashToken(token),
    });
    return { deviceId: input.deviceId, token };
  }

  /** A new token for a kiosk (`venueId`, when given, must be its venue); the old one stops working at once. */
  async rotateDeviceToken(deviceId: string, venueId?: string): Promise<string> {
    const device = await this.store.getDevice(deviceId);
    if (!device || (venueId !== undefined && device.venueId !== venueId))
      throw new Error(
        `device "${deviceId}" is not registered${venueId === undefined ? '' : ` for venue "${venueId}"`}`,
      );
    const token = newToken();
    await this.store.replaceDeviceToken(deviceId, hashToken(token));
    this.emit('revoked', { device: deviceId });
    return token;
  }

  async newBoardToken(venueId: string): Promise<string> {
    if (!(await this.store.getVenue(venueId))) throw new Error(`venue "${venueId}" does not exist`);
    const token = newToken();
    await this.store.setBoardTokenHash(venueId, hashToken(token));
    this.emit('revoked', { board: venueId });
    return token;
  }
}
