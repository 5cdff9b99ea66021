import { testTicket } from '../drivers/test-ticket.ts';
import { once } from 'node:events';
import { DeviceDiscoveryError, listHidDevices, listSerialPorts } from '../drivers/discovery.ts';
import type { ButtonPress, Device, DeviceStatus } from '../drivers/device.ts';
import { findCjkCollection } from '../drivers/ticket-printer/cjk-font.ts';
import {
  DEFAULT_PRINTER_MODEL_ID,
  maxCharactersPerLine,
  PRINTER_MODELS,
} from '../drivers/ticket-printer/printer-models.ts';
import { loadKioskConfig } from '../kiosk/config.ts';
import { createKioskDevices } from '../kiosk/device-factory.ts';
import type { Command } from './cli.ts';
import { systemClock } from '../core/logger.ts';

const TEST_TIMEOUT_MS = 60_000;

const FONT_NAMES = {
  'ks-x-1001': 'Korean',
  gb18030: 'Simplified Chinese',
  big5: 'Traditional Chinese',
  'jis-x-0208': 'Japanese',
};

/** The printer models a kiosk's printer entry can name, and whether the font for text they lack is installed. */
function describePrinterModels(cjkCollection = findCjkCollection()): string[] {
  const lines = [`Printer models (a printer entry's "model"; ${DEFAULT_PRINTER_MODEL_ID} when none is named):`];
  for (const model of PRINTER_MODELS) {
    const fonts = model.fonts.map((font) => FONT_NAMES[font]).join(', ') || 'none (Korean and Chinese print as images)';
    lines.push(
      `  ${model.id.padEnd(20)} ${model.name}`,
      `  ${''.padEnd(20)} ${model.dotsPerLine} dots (${maxCharactersPerLine(model)} per line), ${model.dpi} dpi, ` +
        `${model.commandSet} commands, ${model.cutter ? 'cutter' : 'no cutter'}; text fonts: ${fonts}`,
    );
  }
  lines.push(
    cjkCollection
      ? `CJK font for lines a printer has no font for: ${cjkCollection}`
      : 'CJK font for lines a printer has no font for: not installed; Korean and Chinese tickets fail on printers ' +
          'without their font until Noto Sans CJK is installed (Debian/Ubuntu: apt-get install fonts-noto-cjk)',
  );
  return lines;
}

async function listDevices(): Promise<void> {
  try {
    const ports = await listSerialPorts();
    console.log(
      ports.length
        ? 'Serial ports:'
        : 'Serial ports: none found (USB serial devices appear as /dev/ttyUSB* or /dev/ttyACM* once plugged in)',
    );
    for (const port of ports)
      console.log(
        [
          `  ${port.path}`,
          port.vendorId ? `usb ${port.vendorId}:${port.productId}` : '',
          port.manufacturer ?? '',
          port.serialNumber ? `#${port.serialNumber}` : '',
        ]
          .filter((part) => part !== '')
          .join('  '),
      );
  } catch (error) {
    console.log(`Serial ports: ${(error as Error).message}`);
  }
  try {
    const hids = await listHidDevices();
    console.log(
      hids.length
        ? 'HID devices:'
        : 'HID devices: none visible (on Linux, plugged-in devices owned by root need the udev rule in ' +
            'drivers/feedback-buttons/README.md)',
    );
    for (const hid of hids) console.log(`  ${JSON.stringify(hid)}`);
  } catch (error) {
    console.log(`HID devices: ${error instanceof DeviceDiscoveryError ? error.message : (error as Error).message}`);
  }
  for (const line of describePrinterModels()) console.log(line);
}

function waitForStatus(
  device: Device,
  accept: (status: DeviceStatus) => boolean,
  timeoutMs: number,
): Promise<DeviceStatus> {
  if (accept(device.status)) return Promise.resolve(device.status);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      device.off('status', onStatus);
      reject(
        new Error(
          `device ${device.id} is ${device.status.state}` +
            `${device.status.detail ? ` (${device.status.detail})` : ''} after ${timeoutMs / 1000} s`,
        ),
      );
    }, timeoutMs);
    const onStatus = (status: DeviceStatus) => {
      if (!accept(status)) return;
      clearTimeout(timer);
      device.off('status', onStatus);
      resolve(status);
    };
    device.on('status', onStatus);
  });
}

/** Exercises one configured device: a test ticket, a test line, or a press. */
async function testDevice(configFile: string, id: string): Promise<void> {
  const config = loadKioskConfig({ file: configFile });
  const entry = config.devices.find((device) => device.id === id);
  if (!entry)
    throw new Error(
      `no device "${id}" in ${configFile}; configured: ${config.devices.map((d) => d.id).join(', ') || 'none'}`,
    );
  const devices = createKioskDevices([entry]);
  const printer = devices.printers[0];
  const display = devices.displays[0]?.device;
  const buttons = devices.buttons[0]?.device ?? devices.keyboards[0]?.device;
  // Event maps differ per kind, so the common part (status, start, stop) goes through a narrow view.
  const device = (printer ?? display ?? buttons) as unknown as Device;
  device.on('status', (status) =>
    console.log(
      `status: ${status.state}${status.code ? ` (${status.code})` : ''}${status.detail ? `: ${status.detail}` : ''}`,
    ),
  );
  await device.start();
  try {
    await waitForStatus(device, (status) => status.state !== 'offline', 10_000);
    if (printer) {
      const result = await printer.print(testTicket(config.venueId, config.hubUrl, systemClock.now()));
      console.log(
        `printed a test ticket on ${id} (${result.model}, ` +
          `${result.renderedAs === 'text' ? 'all text' : `${result.imageLines} lines as images`})`,
      );
    } else if (display) {
      await display.show({ nowServing: 'T-001', postedWaitMin: 5, waiting: 0 });
      console.log(`showed a test line on ${id}`);
    } else if (entry.kind === 'buttons' && entry.connection.type === 'keyboard') {
      console.log(
        `${id} is a keyboard-mode keypad: its keys reach the kiosk through the kiosk screen only; ` +
          `open the screen and press a button`,
      );
    } else if (buttons) {
      console.log(`press a button on ${id} (waiting ${TEST_TIMEOUT_MS / 1000} s)...`);
      const [press] = (await once(buttons, 'press', { signal: AbortSignal.timeout(TEST_TIMEOUT_MS) })) as [ButtonPress];
      console.log(`press: button ${press.button} = level ${press.level}`);
    }
  } finally {
    await device.stop();
  }
}

export const devicesCommand: Command = {
  summary: 'list serial ports, HID devices and printer models, or test one configured device',
  usage: `waitwell devices                          list serial ports, HID devices and the known printer models
       waitwell devices test <id> --config FILE  print a test ticket, show a test line, or wait for a press`,
  options: { config: { type: 'string' } },
  async run(values, positionals) {
    const [action, id] = positionals;
    if (action === undefined) return listDevices();
    if (action !== 'test' || !id)
      throw new Error(
        `devices: expected "devices" or "devices test <id> --config FILE", got "${positionals.join(' ')}"`,
      );
    const configFile = values.config as string | undefined;
    if (!configFile)
      throw new Error('devices test: give the kiosk configuration with --config FILE (the devices are defined there)');
    await testDevice(configFile, id);
  },
};
