import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Language } from '../../core/languages.ts';
import type { Role } from '../../core/protocol.ts';
import { ApiError, requestJson } from './http.ts';
import { PAGE_LANGUAGES } from './page-params.ts';
import type { Connection } from './use-socket.ts';

export function ConnectionStatus({ connection }: { connection: Connection }) {
  const { t } = useTranslation();
  const text =
    connection.state === 'live'
      ? t('common.live')
      : connection.state === 'reconnecting'
        ? t('common.reconnecting')
        : t('common.connecting');
  return (
    <p className={`connection connection-${connection.state}`} role="status" data-connection={connection.state}>
      <span className="connection-dot" aria-hidden="true" />
      {text}
    </p>
  );
}

/** Language buttons, each labelled in its own language (a customer may not read the current one). */
export function LanguageSwitch({ current, onChange }: { current: string; onChange: (lang: Language) => void }) {
  const { t, i18n } = useTranslation();
  return (
    <nav className="languages" aria-label={t('common.chooseLanguage')}>
      {PAGE_LANGUAGES.map((lang) => (
        <button
          key={lang}
          type="button"
          lang={lang}
          data-lang={lang}
          aria-pressed={current === lang}
          onClick={() => onChange(lang)}
        >
          {i18n.getFixedT(lang)('common.languageName')}
        </button>
      ))}
    </nav>
  );
}

export interface SignedInUser {
  username: string;
  role: Role;
  venueIds: string[];
  /** Departments whose tasks are theirs; empty: all. */
  departments: string[];
}

/**
 * Shows `children` once someone with at least `role` is signed in (the hub's session cookie);
 * otherwise a sign-in form. The hub decides; the role check here only picks the right message.
 */
export function SignIn({ role, children }: { role: Role; children: (user: SignedInUser) => ReactNode }) {
  const { t } = useTranslation();
  const [user, setUser] = useState<SignedInUser | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    requestJson<SignedInUser>('/api/me').then(setUser, () => setUser(null));
  }, []);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    try {
      const result = await requestJson<{ user: SignedInUser }>('/api/login', {
        body: { username: form.get('username'), password: form.get('password') },
      });
      setError(null);
      setUser(result.user);
    } catch (failure) {
      setError(t('common.signInFailed', { message: failure instanceof ApiError ? failure.message : String(failure) }));
    }
  }

  if (user === undefined) return <p className="loading">{t('common.connecting')}</p>;
  const allowed =
    user && (user.role === 'admin' || user.role === role || (role === 'staff' && user.role === 'manager'));
  if (user && allowed) return <>{children(user)}</>;
  return (
    <form className="sign-in" onSubmit={submit} aria-labelledby="sign-in-heading">
      <h2 id="sign-in-heading">{t('common.signIn')}</h2>
      {user && !allowed && <p role="alert">{t('manage.needsManager')}</p>}
      <label>
        {t('common.username')}
        <input name="username" autoComplete="username" required />
      </label>
      <label>
        {t('common.password')}
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      <button type="submit" className="primary">
        {t('common.signIn')}
      </button>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}
