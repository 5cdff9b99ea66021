import { z } from 'zod';
import { slugSchema } from '../core/ids.ts';
import {
  COMMAND_SETS,
  DEFAULT_PRINTER_MODEL_ID,
  FONT_A_DOTS,
  findPrinterModel,
  maxCharactersPerLine,
  PRINTER_MODEL_IDS,
} from '../drivers/ticket-printer/printer-models.ts';

/**
 * The devices of one kiosk, as data in its configuration file (ARCHITECTURE.md, "Drivers": devices are data).
 * Each entry names a device kind, how it is reached, and what it serves.
 */

const serialConnection = z.strictObject({
  type: z.literal('serial'),
  /** /dev/serial/by-id/... survives replugs; /dev/ttyUSB0 may not. */
  path: z.string().min(1),
  baudRate: z.number().int().positive().default(38_400),
  dataBits: z.union([z.literal(7), z.literal(8)]).optional(),
  parity: z.enum(['none', 'even', 'odd']).optional(),
});

const tcpConnection = z.strictObject({
  type: z.literal('tcp'),
  host: z.string().min(1).default('127.0.0.1'),
  /** Raw printing port of network printers. */
  port: z.number().int().min(1).max(65_535).default(9100),
});

const hexOrNumber = z.union([
  z.number().int().min(0).max(0xffff),
  z
    .string()
    .regex(/^(0x)?[0-9a-fA-F]{1,4}$/)
    .transform((s) => Number.parseInt(s.replace(/^0x/, ''), 16)),
]);

const hidConnection = z.strictObject({
  type: z.literal('hid'),
  vendorId: hexOrNumber.optional(),
  productId: hexOrNumber.optional(),
  path: z.string().optional(),
  serialNumber: z.string().optional(),
  usagePage: hexOrNumber.optional(),
});

const keyboardConnection = z.strictObject({
  type: z.literal('keyboard'),
  /** Key name (KeyboardEvent.key or .code) -> level 1..4; default F13-F16 = levels 1-4. */
  keys: z.record(z.string().min(1), z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)])).optional(),
});

const byteConnectionSchema = z.discriminatedUnion('type', [serialConnection, tcpConnection]);
export type ByteConnection = z.infer<typeof byteConnectionSchema>;

/** drivers/feedback-buttons/hid-report.ts: byte index and bit mask per button. */
const hidLayoutSchema = z.strictObject({
  reportId: z.number().int().min(0).max(255).optional(),
  activeLow: z.boolean().optional(),
  buttons: z
    .array(
      z.strictObject({
        button: z.number().int().min(1).max(32),
        byte: z.number().int().min(0),
        mask: z.number().int().min(1).max(255),
      }),
    )
    .min(1),
});

const buttonsDevice = z.strictObject({
  kind: z.literal('buttons'),
  id: slugSchema,
  /** The touchpoint these smileys stand at (a journey's moment). */
  touchpointId: slugSchema,
  connection: z.discriminatedUnion('type', [serialConnection, tcpConnection, hidConnection, keyboardConnection]),
  /** Button number -> level 1 (very unhappy) .. 4 (very happy); default 1..4. */
  levels: z
    .record(z.string().regex(/^\d+$/), z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]))
    .optional(),
  debounceMs: z.number().int().min(0).max(2000).optional(),
  /** HID only: which byte and bit is which button, when the device is not in the models table. */
  hidLayout: hidLayoutSchema.optional(),
});

const printerDevice = z
  .strictObject({
    kind: z.literal('printer'),
    id: slugSchema,
    connection: byteConnectionSchema,
    /**
     * The printer's model (drivers/ticket-printer/printer-models.ts, listed by `waitwell devices`):
     * paper width, command set and which scripts print as text follow from it.
     */
    model: z
      .string()
      .refine((id) => findPrinterModel(id) !== undefined, {
        error: (issue) =>
          `unknown printer model "${String(issue.input)}"; known models: ${PRINTER_MODEL_IDS.join(', ')}`,
      })
      .default(DEFAULT_PRINTER_MODEL_ID),
    /** Characters per line in font A; default: what fits the model's head (48 at 576 dots, 42 at 512, 32 at 384). */
    charactersPerLine: z.number().int().min(24).max(64).optional(),
    /** Overrides the model's receiptline command set ('generic' for clones that print stray characters). */
    commandSet: z.enum(COMMAND_SETS).optional(),
  })
  .superRefine((printer, ctx) => {
    const model = findPrinterModel(printer.model);
    if (!model || printer.charactersPerLine === undefined) return;
    if (printer.charactersPerLine * FONT_A_DOTS > model.dotsPerLine)
      ctx.addIssue({
        code: 'custom',
        path: ['charactersPerLine'],
        message:
          `${printer.charactersPerLine} characters per line need ${printer.charactersPerLine * FONT_A_DOTS} ` +
          `dots, but the ${model.name} prints ${model.dotsPerLine}: use at most ${maxCharactersPerLine(model)} or ` +
          `leave it out`,
      });
  });

const displayDevice = z.strictObject({
  kind: z.literal('display'),
  id: slugSchema,
  /** 'dmd': Epson DM-D style 2x20 customer display; 'alpha': Alpha-protocol LED sign. */
  protocol: z.enum(['dmd', 'alpha']),
  connection: byteConnectionSchema,
  /** Which queue it shows; the first service of the venue when absent. */
  serviceId: slugSchema.optional(),
});

const deviceConfigSchema = z.discriminatedUnion('kind', [buttonsDevice, printerDevice, displayDevice]);
export type DeviceConfig = z.infer<typeof deviceConfigSchema>;
export type DeviceConfigInput = z.input<typeof deviceConfigSchema>;
export type ButtonsDeviceConfig = z.infer<typeof buttonsDevice>;

export const devicesSchema = z
  .array(deviceConfigSchema)
  .default([])
  .superRefine((devices, ctx) => {
    const seen = new Set<string>();
    for (const [index, device] of devices.entries()) {
      if (seen.has(device.id))
        ctx.addIssue({
          code: 'custom',
          path: [index, 'id'],
          message: `device id "${device.id}" is used twice; give each device its own id`,
        });
      seen.add(device.id);
    }
  });

/** The misuse rule (core/repeat-press.ts): the count-th press within withinMs on one device is flagged. */
export const repeatPressSchema = z
  .strictObject({
    withinMs: z.number().int().positive().default(10_000),
    count: z.number().int().min(2).default(3),
  })
  .prefault({});
