import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KioskScreenSettings, RecordedPress, TakenTicket } from '../../core/kiosk-screen.ts';
import type { Language } from '../../core/languages.ts';
import { LanguageSwitch } from '../shared/components.tsx';
import { PublicNotes } from '../shared/PublicNotes.tsx';
import { requestJson } from '../shared/http.ts';
import { AdminPanel } from './AdminPanel.tsx';
import { Smileys, ThankYou } from './Feedback.tsx';
import { IssuedStep, QuoteStep, SegmentStep, ServiceButtons, type TicketStep } from './TicketFlow.tsx';
import { useKioskEvents } from './use-kiosk-events.ts';

type Screen =
  | { kind: 'idle' }
  | { kind: 'ticket'; flow: TicketStep }
  | { kind: 'thanks'; press: RecordedPress }
  | { kind: 'admin' };

/**
 * The kiosk screen: take a ticket, or press a smiley. Every customer starts from idle in the
 * kiosk's default language; an untouched screen goes back there.
 */
export function KioskApp({ defaultLanguage }: { defaultLanguage: Language }) {
  const { t, i18n } = useTranslation();
  const live = useKioskEvents();
  const [settings, setSettings] = useState<KioskScreenSettings | null>(null);
  const [screen, setScreen] = useState<Screen>({ kind: 'idle' });
  const [notice, setNotice] = useState<string | null>(null);
  const lang = (i18n.resolvedLanguage ?? defaultLanguage) as Language;

  const backToIdle = useCallback(() => {
    setScreen({ kind: 'idle' });
    setNotice(null);
    void i18n.changeLanguage(defaultLanguage);
  }, [i18n, defaultLanguage]);

  // biome-ignore lint/correctness/useExhaustiveDependencies(live.runtimeUp): fetch again once the runtime is up
  useEffect(() => {
    requestJson<KioskScreenSettings>('/local/screen').then(setSettings, () => setSettings(null));
  }, [live.runtimeUp]);

  // Keyboard-mode keypads type into whatever has focus: the screen catches their keys and forwards them.
  useEffect(() => {
    const keys = new Set(settings?.keysToCatch ?? []);
    if (keys.size === 0) return;
    const onKey = (event: KeyboardEvent) => {
      if (!keys.has(event.key) && !keys.has(event.code)) return;
      event.preventDefault();
      void requestJson('/local/keys', { body: { key: event.key, code: event.code, repeat: event.repeat } }).catch(
        () => undefined,
      );
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [settings]);

  // Back to idle when nobody touches the screen for a while.
  useEffect(() => {
    if (screen.kind === 'idle') return;
    const idleMs = (screen.kind === 'thanks' ? 10 : (settings?.idleSeconds ?? 45)) * 1000;
    let timer = setTimeout(backToIdle, idleMs);
    const touched = () => {
      clearTimeout(timer);
      timer = setTimeout(backToIdle, idleMs);
    };
    window.addEventListener('pointerdown', touched);
    window.addEventListener('keydown', touched);
    return () => {
      clearTimeout(timer);
      window.removeEventListener('pointerdown', touched);
      window.removeEventListener('keydown', touched);
    };
  }, [screen, settings, backToIdle]);

  const venue = live.venue;
  const offline = live.status !== null && live.status.sync !== 'online';
  const printerTrouble = live.devices.some(
    (d) => d.kind === 'printer' && d.state !== 'ready' && d.state !== 'connecting',
  );
  const chooseService = (serviceId: string) =>
    setScreen({
      kind: 'ticket',
      flow: venue && venue.segments.length > 0 ? { step: 'segment', serviceId } : { step: 'quote', serviceId },
    });

  return (
    <div className="kiosk" data-screen={screen.kind === 'ticket' ? screen.flow.step : screen.kind}>
      <header className="kiosk-header">
        <h1>{venue?.name ?? t('kiosk.welcome')}</h1>
        <LanguageSwitch current={lang} onChange={(next) => void i18n.changeLanguage(next)} />
      </header>

      <div className="banners" aria-live="polite">
        {!live.runtimeUp && <p className="banner bad">{t('common.connecting')}</p>}
        {live.runtimeUp && offline && (
          <p className="banner warn" data-banner="offline">
            {t('kiosk.offline')}
          </p>
        )}
        {printerTrouble && (
          <p className="banner warn" data-banner="printer">
            {t('kiosk.printerTrouble')}
          </p>
        )}
        {notice && (
          <p className="banner bad" role="alert">
            {notice}
          </p>
        )}
      </div>

      <main className="kiosk-main">
        {screen.kind === 'idle' && venue && (
          <>
            <section className="take-panel" aria-labelledby="take-heading">
              <h2 id="take-heading">{t('kiosk.chooseService')}</h2>
              <ServiceButtons
                venue={venue}
                queue={live.queue}
                services={settings?.services ?? []}
                lang={lang}
                onChoose={chooseService}
              />
            </section>
            {settings?.touchpointId && (
              <Smileys
                touchpointId={settings.touchpointId}
                onPressed={(press) => setScreen({ kind: 'thanks', press })}
                onError={(message) => setNotice(t('kiosk.failed', { message }))}
              />
            )}
            <PublicNotes notes={live.notes} lang={lang} />
          </>
        )}
        {screen.kind === 'ticket' && venue && screen.flow.step === 'segment' && (
          <SegmentStep
            venue={venue}
            lang={lang}
            onBack={backToIdle}
            onChoose={(segmentId) =>
              setScreen({
                kind: 'ticket',
                flow: {
                  step: 'quote',
                  serviceId: (screen.flow as { serviceId: string }).serviceId,
                  ...(segmentId ? { segmentId } : {}),
                },
              })
            }
          />
        )}
        {screen.kind === 'ticket' && venue && screen.flow.step === 'quote' && (
          <QuoteStep
            venue={venue}
            lang={lang}
            serviceId={screen.flow.serviceId}
            {...(screen.flow.segmentId ? { segmentId: screen.flow.segmentId } : {})}
            onBack={backToIdle}
            onIssued={(taken: TakenTicket) => setScreen({ kind: 'ticket', flow: { step: 'issued', taken } })}
          />
        )}
        {screen.kind === 'ticket' && venue && screen.flow.step === 'issued' && (
          <IssuedStep taken={screen.flow.taken} venue={venue} lang={lang} onDone={backToIdle} />
        )}
        {screen.kind === 'thanks' && (
          <ThankYou key={screen.press.id} press={screen.press} venue={venue} lang={lang} onDone={backToIdle} />
        )}
        {screen.kind === 'admin' && <AdminPanel status={live.status} devices={live.devices} onClose={backToIdle} />}
      </main>

      <footer className="kiosk-footer">
        <button type="button" className="staff-button" onClick={() => setScreen({ kind: 'admin' })}>
          {t('kiosk.staff')}
        </button>
      </footer>
    </div>
  );
}
