import type { TFunction } from 'i18next';
import type { Language } from '../../core/languages.ts';
import type { RefusalParams } from '../../core/queue/types.ts';
import type { PublicVenue } from '../../core/venue.ts';
import { nameOf } from './format.ts';
import { ApiError } from './http.ts';

/**
 * A refusal from the hub or the kiosk in the screen's language: the code's text with counter and
 * service names in place of their ids. The server's English sentence is never shown; a code the
 * screens do not know yet gets a general "did not work" (the English stays in the server's log).
 */
export function describeFailure(
  t: TFunction,
  failure: { code: string; params?: RefusalParams },
  venue: PublicVenue | null | undefined,
  lang: Language,
): string {
  const params = failure.params ?? {};
  const status =
    params.status === undefined
      ? ''
      : failure.code === 'counter-already-in-state'
        ? t(`refusals.states.${params.status}`)
        : t(`common.ticketStatus.${params.status}`, { defaultValue: params.status });
  return t(`refusals.${failure.code}`, {
    defaultValue: t('refusals.other'),
    counter: params.counter === undefined ? '' : nameOf(venue?.counters, params.counter, lang),
    service: params.service === undefined ? '' : nameOf(venue?.services, params.service, lang),
    ticket: params.ticket ?? '',
    status,
    minutes: params.minutes ?? '',
    count: params.count ?? '',
  });
}

/** An error thrown by requestJson (or anything else) in the screen's language. */
export function describeError(
  t: TFunction,
  error: unknown,
  venue: PublicVenue | null | undefined,
  lang: Language,
): string {
  if (error instanceof ApiError) {
    const body = error.body as { error?: { params?: RefusalParams } } | null;
    return describeFailure(t, { code: error.code, params: body?.error?.params }, venue, lang);
  }
  return t('refusals.other');
}
