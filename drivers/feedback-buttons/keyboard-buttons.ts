import { EventEmitter } from 'node:events';
import type { DeviceStatus, FeedbackButtons, FeedbackButtonsEvents } from '../device.ts';
import { Debouncer, DEFAULT_DEBOUNCE_MS } from './debounce.ts';
import {
  DEFAULT_KEYBOARD_BUTTONS,
  keysToCatch,
  levelOfKeyEvent,
  type ForwardedKey,
  type KeyboardButtonsConfig,
} from './keyboard-keys.ts';
import { systemClock } from '../../core/logger.ts';

/**
 * A keyboard-mode keypad as a FeedbackButtons device, so the kiosk treats it like the others.
 * Its keys arrive through the kiosk screen (only the focused window sees them), which calls
 * `key()` for each forwarded event. No link exists to watch, so it is ready while started.
 */
export class KeyboardButtons extends EventEmitter<FeedbackButtonsEvents> implements FeedbackButtons {
  private currentStatus: DeviceStatus = { state: 'offline', code: 'stopped' };
  private readonly debouncer: Debouncer;
  private readonly buttons: string[];
  private readonly now: () => number;

  constructor(
    readonly id: string,
    private readonly config: KeyboardButtonsConfig = DEFAULT_KEYBOARD_BUTTONS,
    options: { debounceMs?: number; now?: () => number } = {},
  ) {
    super();
    this.debouncer = new Debouncer(options.debounceMs ?? DEFAULT_DEBOUNCE_MS);
    this.buttons = keysToCatch(config);
    this.now = options.now ?? systemClock.now;
  }

  get status(): DeviceStatus {
    return this.currentStatus;
  }

  /** The keys the screen must catch and forward. */
  get keys(): string[] {
    return [...this.buttons];
  }

  async start(): Promise<void> {
    this.setStatus({ state: 'ready' });
  }

  async stop(): Promise<void> {
    this.setStatus({ state: 'offline', code: 'stopped' });
  }

  /** One key event forwarded by the screen; returns whether it became a press. */
  key(event: ForwardedKey): boolean {
    if (this.currentStatus.state !== 'ready') return false;
    const level = levelOfKeyEvent(this.config, event);
    if (level === undefined) return false;
    const matched = Object.hasOwn(this.config.keys, event.key) ? event.key : event.code!;
    const button = this.buttons.indexOf(matched) + 1;
    const at = this.now();
    if (!this.debouncer.accept(button, at)) return false;
    this.emit('press', { level, button, at, source: 'keyboard' });
    return true;
  }

  private setStatus(status: DeviceStatus): void {
    this.currentStatus = status;
    this.emit('status', status);
  }
}
