/**
 * Which kiosks have a live link. Each hub counts its own sockets per device (a kiosk that
 * reconnects before its old socket is noticed gone has two for a moment, and must not look
 * disconnected when the old one closes). With several hubs a kiosk may be connected to another
 * one: the cluster sets `elsewhere`, which asks the other hubs; their answers are the truth,
 * unlike a shared list that a killed hub would leave behind.
 */
export class DevicePresence {
  private readonly sockets = new Map<string, { venueId: string; count: number }>();
  /**
   * The same devices by venue: every kiosk that disconnects makes each other hub list the venue's
   * kiosks (isConnected), so a scan of every socket per question made a mass disconnect quadratic.
   */
  private readonly byVenue = new Map<string, Set<string>>();
  private elsewhere: ((venueId: string) => Promise<readonly string[]>) | undefined;

  add(venueId: string, deviceId: string): void {
    const entry = this.sockets.get(deviceId);
    if (entry) {
      entry.count += 1;
      return;
    }
    this.sockets.set(deviceId, { venueId, count: 1 });
    const devices = this.byVenue.get(venueId) ?? new Set<string>();
    devices.add(deviceId);
    this.byVenue.set(venueId, devices);
  }

  remove(deviceId: string): void {
    const entry = this.sockets.get(deviceId);
    if (!entry) return;
    entry.count -= 1;
    if (entry.count > 0) return;
    this.sockets.delete(deviceId);
    const devices = this.byVenue.get(entry.venueId);
    devices?.delete(deviceId);
    if (devices?.size === 0) this.byVenue.delete(entry.venueId);
  }

  /** Connected to this hub. */
  isHere(deviceId: string): boolean {
    return this.sockets.has(deviceId);
  }

  /** The venue's kiosks connected to this hub. */
  here(venueId: string): string[] {
    return [...(this.byVenue.get(venueId) ?? [])];
  }

  /** Set once by the cluster: asks the other hubs for the venue's kiosks connected to them. */
  lookElsewhereWith(ask: (venueId: string) => Promise<readonly string[]>): void {
    this.elsewhere = ask;
  }

  /** The venue's kiosks connected to any hub (this one only, when the others cannot answer). */
  async connected(venueId: string): Promise<Set<string>> {
    const ids = new Set(this.here(venueId));
    if (this.elsewhere) for (const id of await this.elsewhere(venueId)) ids.add(id);
    return ids;
  }

  async isConnected(venueId: string, deviceId: string): Promise<boolean> {
    return (
      this.isHere(deviceId) || (this.elsewhere !== undefined && (await this.elsewhere(venueId)).includes(deviceId))
    );
  }
}
