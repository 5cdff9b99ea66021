import { useEffect, useState } from 'react';
import type { VenueAnalytics } from '../../core/analytics/report.ts';
import type { WaitRecord } from '../../core/protocol.ts';
import { requestJson } from '../shared/http.ts';

/** Re-fetches after the live data moved, at most once per `debounceMs` (a burst of presses is one fetch). */
function useRefetch<T>(url: string | null, trigger: unknown, debounceMs: number): T | null {
  const [value, setValue] = useState<T | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies(trigger): a change of `trigger` is what asks for a fetch
  useEffect(() => {
    if (!url) return;
    const timer = setTimeout(() => requestJson<T>(url).then(setValue, () => undefined), debounceMs);
    return () => clearTimeout(timer);
  }, [url, trigger, debounceMs]);
  return value;
}

/** Today's scores and trend per touchpoint (GET /api/venues/:id/analytics), refreshed as presses arrive. */
export function useTodayAnalytics(venueId: string, startOfDay: number, trigger: unknown): VenueAnalytics | null {
  return useRefetch<VenueAnalytics>(
    `/api/venues/${encodeURIComponent(venueId)}/analytics?from=${startOfDay}`,
    trigger,
    300,
  );
}

/** Today's called tickets, posted beside actual wait, refreshed as the queue moves. */
export function useTodayWaits(venueId: string, startOfDay: number, trigger: unknown): WaitRecord[] {
  return (
    useRefetch<WaitRecord[]>(
      `/api/venues/${encodeURIComponent(venueId)}/queue/waits?from=${startOfDay}`,
      trigger,
      500,
    ) ?? []
  );
}
