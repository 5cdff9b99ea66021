import { useTranslation } from 'react-i18next';
import type { Language } from '../../core/languages.ts';
import type { PublicNoteView } from '../../core/protocol.ts';

/** The notes still within their days at `now`. */
function showingNotes(notes: readonly PublicNoteView[], now: number): PublicNoteView[] {
  return notes.filter((n) => n.note.until > now);
}

/**
 * "You said ...; we fixed ...": the venue's verified fixes told to customers, in the screen's
 * language, for the days the manager chose (docs/customer-experience.md, "Customers hear what changed").
 */
export function PublicNotes({ notes, lang }: { notes: readonly PublicNoteView[]; lang: Language }) {
  const { t } = useTranslation();
  const shown = showingNotes(notes, Date.now());
  if (shown.length === 0) return null;
  return (
    <section className="public-notes" aria-labelledby="public-notes-heading">
      <h2 id="public-notes-heading">{t('tasks.publicNote')}</h2>
      <ul>
        {shown.slice(0, 2).map((n) => (
          <li key={n.taskId} data-public-note={n.taskId}>
            {n.note.text[lang]}
          </li>
        ))}
      </ul>
    </section>
  );
}
