import { chime } from '../shared/chime.ts';

/**
 * "It's your turn": a system notification where the phone allows one, and always a sound and a
 * vibration, because a page in a pocket may have no notification permission.
 */
export function alertHolder(title: string, body: string): void {
  if ('Notification' in window && Notification.permission === 'granted') {
    try {
      new Notification(title, { body, tag: 'waitwell-ticket', requireInteraction: true });
    } catch {
      // Some mobile browsers allow notifications only from a service worker: the sound still plays.
    }
  }
  navigator.vibrate?.([400, 200, 400, 200, 400]);
  chime();
}

export async function askNotificationPermission(): Promise<boolean> {
  if (!('Notification' in window)) return false;
  if (Notification.permission === 'granted') return true;
  if (Notification.permission === 'denied') return false;
  return (await Notification.requestPermission()) === 'granted';
}
