/**
 * NTP-style clock offset from one request/response: the hub's clock is assumed to have been read
 * halfway through the round trip. Positive offset = the hub is ahead of the device.
 */
export function measureClockOffset(sample: { sentAt: number; hubTime: number; receivedAt: number }): {
  offsetMs: number;
  roundTripMs: number;
} {
  const roundTripMs = Math.max(0, sample.receivedAt - sample.sentAt);
  const offsetMs = Math.round(sample.hubTime - (sample.sentAt + sample.receivedAt) / 2);
  return { offsetMs, roundTripMs };
}

/** A device time expressed on the hub's clock. */
export function correctDeviceTime(deviceTime: number, offsetMs: number): number {
  return deviceTime + offsetMs;
}
