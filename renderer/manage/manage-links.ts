/** A manager page of a venue, in a language (main.tsx reads these): the workspace when no page is named. */
export function managePageHref(venueId: string, lang: string, page?: 'live' | 'operations'): string {
  return `?venue=${encodeURIComponent(venueId)}&lang=${lang}${page ? `&page=${page}` : ''}`;
}
