import type { FeedbackLevel } from '../core/events.ts';
import type { FeedbackButtons } from '../drivers/device.ts';
import { type Clock, systemClock } from '../core/logger.ts';
import { DEFAULT_KEYBOARD_BUTTONS } from '../drivers/feedback-buttons/keyboard-keys.ts';
import { HidButtons } from '../drivers/feedback-buttons/hid-buttons.ts';
import { findHidButtonModel } from '../drivers/feedback-buttons/hid-models.ts';
import { KeyboardButtons } from '../drivers/feedback-buttons/keyboard-buttons.ts';
import { SerialButtons } from '../drivers/feedback-buttons/serial-buttons.ts';
import { HidTransport } from '../drivers/transport/hid-transport.ts';
import { SerialTransport } from '../drivers/transport/serial-transport.ts';
import { TcpTransport } from '../drivers/transport/tcp-transport.ts';
import { EscposPrinter } from '../drivers/ticket-printer/escpos-printer.ts';
import { printerModel } from '../drivers/ticket-printer/printer-models.ts';
import { AlphaSign } from '../drivers/wait-display/alpha-sign.ts';
import { DmdDisplay } from '../drivers/wait-display/dmd-display.ts';
import type { Transport } from '../drivers/transport/transport.ts';
import type { ByteConnection, ButtonsDeviceConfig, DeviceConfig } from './device-config.ts';
import type { KioskDevices } from './device-host.ts';

/** Opens the byte stream a configuration names; devices on it do not care which kind it is. */
function createByteTransport(connection: ByteConnection): Transport {
  switch (connection.type) {
    case 'serial':
      return new SerialTransport({
        path: connection.path,
        baudRate: connection.baudRate,
        dataBits: connection.dataBits,
        parity: connection.parity,
      });
    case 'tcp':
      return new TcpTransport({ host: connection.host, port: connection.port });
  }
}

function levelsOf(config: ButtonsDeviceConfig): Record<number, FeedbackLevel> | undefined {
  return (
    config.levels && Object.fromEntries(Object.entries(config.levels).map(([button, level]) => [Number(button), level]))
  );
}

function createButtons(config: ButtonsDeviceConfig, clock: Clock): FeedbackButtons | KeyboardButtons {
  const now = () => clock.now();
  const common = { id: config.id, levels: levelsOf(config), debounceMs: config.debounceMs, now };
  const connection = config.connection;
  switch (connection.type) {
    case 'keyboard':
      return new KeyboardButtons(config.id, connection.keys ? { keys: connection.keys } : DEFAULT_KEYBOARD_BUTTONS, {
        debounceMs: config.debounceMs,
        now,
      });
    case 'hid': {
      const model =
        connection.vendorId !== undefined && connection.productId !== undefined
          ? findHidButtonModel(connection.vendorId, connection.productId)
          : undefined;
      const layout = config.hidLayout ?? model?.layout;
      if (!layout) {
        throw new Error(
          `device ${config.id}: no report layout for this HID device; give "hidLayout" ` +
            `(which byte and bit is which button) or use a model from drivers/feedback-buttons/hid-models.ts`,
        );
      }
      const transport = new HidTransport({ ...connection, usagePage: connection.usagePage ?? model?.usagePage });
      return new HidButtons({ ...common, transport, layout });
    }
    default:
      return new SerialButtons({ ...common, transport: createByteTransport(connection) });
  }
}

/** Builds every configured device's driver; nothing is opened until the host starts them. `clock` stamps presses. */
export function createKioskDevices(configs: readonly DeviceConfig[], clock: Clock = systemClock): KioskDevices {
  const devices: KioskDevices = { buttons: [], keyboards: [], printers: [], displays: [] };
  for (const config of configs) {
    switch (config.kind) {
      case 'buttons': {
        const device = createButtons(config, clock);
        if (device instanceof KeyboardButtons) devices.keyboards.push({ device, touchpointId: config.touchpointId });
        else devices.buttons.push({ device, touchpointId: config.touchpointId });
        break;
      }
      case 'printer':
        devices.printers.push(
          new EscposPrinter({
            id: config.id,
            transport: createByteTransport(config.connection),
            model: printerModel(config.model),
            cpl: config.charactersPerLine,
            commandSet: config.commandSet,
          }),
        );
        break;
      case 'display': {
        // Alpha signs speak 9600 7E1 unless the configuration says otherwise.
        const connection =
          config.protocol === 'alpha' && config.connection.type === 'serial'
            ? {
                ...config.connection,
                dataBits: config.connection.dataBits ?? 7,
                parity: config.connection.parity ?? 'even',
              }
            : config.connection;
        const options = { id: config.id, transport: createByteTransport(connection) };
        const device = config.protocol === 'dmd' ? new DmdDisplay(options) : new AlphaSign(options);
        devices.displays.push({ device, serviceId: config.serviceId });
        break;
      }
    }
  }
  return devices;
}
