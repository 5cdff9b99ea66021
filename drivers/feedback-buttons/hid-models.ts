import type { HidReportLayout } from './hid-report.ts';

/**
 * HID button devices known by their USB ids: devices are data, not code branches. A venue with
 * another device gives its layout in configuration instead; the README says how to find it.
 */
export interface HidButtonModel {
  name: string;
  vendorId: number;
  productId: number;
  /** Vendor-defined pages (0xFF00..0xFFFF) tell the button interface from a keyboard one on composite devices. */
  usagePage?: number;
  layout: HidReportLayout;
  /** Where the layout comes from, so nobody mistakes a public report for a measurement. */
  source: 'our-firmware' | 'public-reports';
  notes: string;
}

export const HID_BUTTON_MODELS: readonly HidButtonModel[] = [
  {
    name: 'waitwell RawHID box (Arduino Leonardo / Pro Micro, ATmega32U4, README sketch)',
    vendorId: 0x2341,
    productId: 0x8036,
    usagePage: 0xffc0,
    layout: {
      buttons: [
        { button: 1, byte: 0, mask: 0x01 },
        { button: 2, byte: 0, mask: 0x02 },
        { button: 3, byte: 0, mask: 0x04 },
        { button: 4, byte: 0, mask: 0x08 },
      ],
    },
    source: 'our-firmware',
    // Linux hands hidraw reports over without a report id when the descriptor declares none.
    notes: 'HID-Project RawHID, 64-byte reports without id; byte 0 = button bits 1..8, sent on every change.',
  },
  {
    name: 'DragonRise "zero delay" arcade encoder (Generic USB Joystick)',
    vendorId: 0x0079,
    productId: 0x0006,
    layout: {
      buttons: [
        { button: 1, byte: 5, mask: 0x10 },
        { button: 2, byte: 5, mask: 0x20 },
        { button: 3, byte: 5, mask: 0x40 },
        { button: 4, byte: 5, mask: 0x80 },
      ],
    },
    source: 'public-reports',
    notes:
      '8-byte reports without id: bytes 0-4 axes, byte 5 low nibble hat (0x0F centred) and buttons 1-4 ' +
      'in the high nibble, byte 6 buttons 5-12. Not yet checked on a unit: confirm with the report dump ' +
      'described in README.md before relying on it.',
  },
];

export function findHidButtonModel(vendorId: number, productId: number): HidButtonModel | undefined {
  return HID_BUTTON_MODELS.find((model) => model.vendorId === vendorId && model.productId === productId);
}
