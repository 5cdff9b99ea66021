import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { KioskDeviceView, KioskStatusView } from '../../core/kiosk-screen.ts';
import type { KioskShellApi } from '../../core/kiosk-shell.ts';
import type { Language } from '../../core/languages.ts';
import { ApiError, requestJson } from '../shared/http.ts';
import { describeError } from '../shared/refusals.ts';

/** The Electron shell's bridge (electron/preload.cjs); absent in a plain browser. */
const shell = (window as { waitwellShell?: KioskShellApi }).waitwellShell;

/** Why the PIN did not unlock the panel, in the screen's language. */
function unlockRefusal(error: unknown, t: ReturnType<typeof useTranslation>['t']): string {
  if (!(error instanceof ApiError)) return t('kiosk.wrongPin');
  if (error.code === 'no-admin-pin') return t('kiosk.noPin');
  if (error.code === 'too-many-attempts') {
    const seconds = (error.body as { error?: { retryAfterSec?: number } }).error?.retryAfterSec ?? 300;
    return t('pinLock.tooMany', { minutes: Math.max(1, Math.ceil(seconds / 60)) });
  }
  return t('kiosk.wrongPin');
}

/** Behind the staff PIN: the kiosk's own health, a test print per printer, and a reload. */
export function AdminPanel({
  status,
  devices,
  onClose,
}: {
  status: KioskStatusView | null;
  devices: KioskDeviceView[];
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = (i18n.resolvedLanguage ?? 'en') as Language;
  const [pin, setPin] = useState<string | null>(null);
  // Locked again whenever the panel goes away (closed, or back to idle after a while).
  useEffect(() => () => void shell?.setAdminMode(false), []);
  const [message, setMessage] = useState<string | null>(null);

  async function unlock(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const entered = String(new FormData(event.currentTarget).get('pin') ?? '');
    try {
      await requestJson('/local/admin/unlock', { body: { pin: entered } });
      setPin(entered);
      setMessage(null);
      // In Electron, staff may now reload, open devtools or quit until the panel closes.
      await shell?.setAdminMode(true);
    } catch (error) {
      setMessage(unlockRefusal(error, t));
    }
  }

  async function testPrint(printerId: string) {
    try {
      await requestJson('/local/admin/test-print', { body: { pin, printerId } });
      setMessage(t('kiosk.testPrinted'));
    } catch (error) {
      setMessage(t('kiosk.failed', { message: describeError(t, error, null, lang) }));
    }
  }

  return (
    <div className="admin" role="dialog" aria-modal="true" aria-labelledby="admin-heading">
      <h2 id="admin-heading">{pin === null ? t('kiosk.pinPrompt') : t('kiosk.adminTitle')}</h2>
      {pin === null ? (
        <form onSubmit={unlock} className="pin-form">
          <label>
            <span className="visually-hidden">{t('kiosk.pinPrompt')}</span>
            {/* biome-ignore lint/a11y/noAutofocus: a modal dialog takes focus on opening (WAI-ARIA dialog pattern) */}
            <input name="pin" type="password" inputMode="numeric" autoComplete="off" maxLength={8} autoFocus />
          </label>
          <button type="submit" className="primary">
            {t('kiosk.unlock')}
          </button>
        </form>
      ) : (
        <>
          <dl className="admin-status">
            <dt>{t('kiosk.sync')}</dt>
            <dd data-sync={status?.sync} title={status?.syncReason ?? undefined}>
              {status ? t(`kiosk.adminStates.sync.${status.sync}`) : '–'}
            </dd>
            <dt>{t('kiosk.outbox')}</dt>
            <dd data-outbox>{status?.outbox ?? '–'}</dd>
          </dl>
          <h3>{t('kiosk.devicesHeading')}</h3>
          <ul className="admin-devices">
            {devices.map((device) => (
              <li key={device.id} data-device={device.id} data-state={device.state} title={device.detail ?? undefined}>
                <strong>{device.id}</strong> ({t(`kiosk.adminStates.kinds.${device.kind}`)}):{' '}
                {t(`kiosk.adminStates.device.${device.state}`, { defaultValue: device.state })}
                {device.code ? ` (${t(`kiosk.adminStates.codes.${device.code}`, { defaultValue: device.code })})` : ''}
                {device.kind === 'printer' && (
                  <button type="button" onClick={() => void testPrint(device.id)}>
                    {t('kiosk.testPrint')}
                  </button>
                )}
              </li>
            ))}
          </ul>
          <button type="button" onClick={() => void (shell ? shell.reload() : window.location.reload())}>
            {t('kiosk.reload')}
          </button>
        </>
      )}
      {message && (
        <p role="status" className="admin-message">
          {message}
        </p>
      )}
      <button type="button" onClick={onClose}>
        {t('kiosk.close')}
      </button>
    </div>
  );
}
