/**
 * Journeys: the moments one customer lived through, from taking a ticket to the last smiley. A
 * press on a counter's buttons soon after that counter served a ticket is that ticket's
 * customer speaking (the attribution window), so it joins the ticket's journey and its segment.
 */

export interface ServedTicket {
  ticketId: string;
  counterId: string;
  servedAt: number;
  segmentId: string | null;
}

export interface Press {
  id: string;
  at: number;
  touchpointId: string;
}

export interface Attribution {
  ticketId: string;
  segmentId: string | null;
}

/**
 * For each press at a counter's touchpoint (`counterOfTouchpoint`), the ticket that counter
 * served last before the press, if it was served at most `windowMs` earlier (inclusive). A
 * press before the counter served anyone, or after the window, belongs to no journey.
 */
export function attributePresses(
  presses: readonly Press[],
  served: readonly ServedTicket[],
  counterOfTouchpoint: Readonly<Record<string, string>>,
  windowMs: number,
): Map<string, Attribution> {
  const byCounter = new Map<string, ServedTicket[]>();
  for (const ticket of served) byCounter.set(ticket.counterId, [...(byCounter.get(ticket.counterId) ?? []), ticket]);
  for (const list of byCounter.values()) list.sort((a, b) => a.servedAt - b.servedAt);
  const result = new Map<string, Attribution>();
  for (const press of presses) {
    const counterId = counterOfTouchpoint[press.touchpointId];
    const list = counterId ? byCounter.get(counterId) : undefined;
    if (!list) continue;
    let latest: ServedTicket | undefined;
    for (const ticket of list) {
      if (ticket.servedAt > press.at) break;
      latest = ticket;
    }
    if (latest && press.at - latest.servedAt <= windowMs)
      result.set(press.id, { ticketId: latest.ticketId, segmentId: latest.segmentId });
  }
  return result;
}

export interface JourneyMoment {
  at: number;
  experience: number;
  touchpointId: string;
}

export interface PeakEnd {
  moments: number;
  average: number;
  /** The most extreme moment (largest |experience|; the later one on a tie). */
  peak: number;
  peakTouchpointId: string;
  /** The last moment. */
  end: number;
  endTouchpointId: string;
  /** Kahneman's peak-end score: (peak + end) / 2, what people remember. */
  peakEnd: number;
}

/** Peak-end rule beside the plain average for one journey; null for a journey with no moment. */
export function peakEnd(moments: readonly JourneyMoment[]): PeakEnd | null {
  if (moments.length === 0) return null;
  const ordered = [...moments].sort((a, b) => a.at - b.at);
  let peak = ordered[0]!;
  for (const moment of ordered) if (Math.abs(moment.experience) >= Math.abs(peak.experience)) peak = moment;
  const end = ordered[ordered.length - 1]!;
  const average = ordered.reduce((sum, m) => sum + m.experience, 0) / ordered.length;
  return {
    moments: ordered.length,
    average,
    peak: peak.experience,
    peakTouchpointId: peak.touchpointId,
    end: end.experience,
    endTouchpointId: end.touchpointId,
    peakEnd: (peak.experience + end.experience) / 2,
  };
}
