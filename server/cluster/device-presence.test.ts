import { describe, expect, it } from 'vitest';
import { DevicePresence } from './device-presence.ts';

describe('DevicePresence', () => {
  it("lists a venue's kiosks here until each one's last socket is gone", async () => {
    const presence = new DevicePresence();
    presence.add('venue-a', 'k1');
    presence.add('venue-a', 'k2');
    presence.add('venue-b', 'kb');
    // k1 reconnected before its old socket was noticed gone: two sockets for a moment.
    presence.add('venue-a', 'k1');
    expect(presence.here('venue-a').sort()).toEqual(['k1', 'k2']);
    presence.remove('k1');
    expect(presence.here('venue-a').sort()).toEqual(['k1', 'k2']);
    presence.remove('k1');
    presence.remove('k1');
    expect(presence.here('venue-a')).toEqual(['k2']);
    expect(presence.isHere('k1')).toBe(false);
    presence.remove('k2');
    expect(presence.here('venue-a')).toEqual([]);
    expect(presence.here('venue-b')).toEqual(['kb']);
    expect(await presence.connected('venue-b')).toEqual(new Set(['kb']));
  });

  it('adds the kiosks other hubs hold when the cluster answers for them', async () => {
    const presence = new DevicePresence();
    presence.add('venue-a', 'k1');
    presence.lookElsewhereWith(async (venueId) => (venueId === 'venue-a' ? ['k9'] : []));
    expect(await presence.connected('venue-a')).toEqual(new Set(['k1', 'k9']));
    expect(await presence.isConnected('venue-a', 'k9')).toBe(true);
    expect(await presence.isConnected('venue-a', 'k2')).toBe(false);
  });
});
