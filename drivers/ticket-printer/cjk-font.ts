import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The font for text a printer has no resident font for: Noto Sans CJK from the operating system
 * (Debian/Ubuntu `fonts-noto-cjk`). It ships as one collection (.ttc) holding a face per region;
 * the canvas registers only a collection's first face (Japanese), so the face for the ticket's
 * region is copied out of the collection into a font file of its own: Korean tickets get Korean
 * glyph forms, Chinese tickets simplified-Chinese ones.
 */
export type CjkRegion = 'KR' | 'SC';

const COLLECTION = 'NotoSansCJK-Regular.ttc';
/** Where distributions install it: Debian/Ubuntu, Fedora, Arch. */
const CJK_FONT_DIRS: readonly string[] = [
  '/usr/share/fonts/opentype/noto',
  '/usr/share/fonts/google-noto-cjk',
  '/usr/share/fonts/noto-cjk',
];

export class CjkFontMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CjkFontMissingError';
  }
}

/** The collection's path, or undefined when the font is not installed. */
export function findCjkCollection(dirs: readonly string[] = CJK_FONT_DIRS): string | undefined {
  return dirs.map((dir) => join(dir, COLLECTION)).find((path) => existsSync(path));
}

interface TableRecord {
  tag: string;
  checksum: number;
  offset: number;
  length: number;
}

function tablesAt(collection: Buffer, offset: number): TableRecord[] {
  const count = collection.readUInt16BE(offset + 4);
  return Array.from({ length: count }, (_, i) => {
    const at = offset + 12 + 16 * i;
    return {
      tag: collection.toString('latin1', at, at + 4),
      checksum: collection.readUInt32BE(at + 4),
      offset: collection.readUInt32BE(at + 8),
      length: collection.readUInt32BE(at + 12),
    };
  });
}

/** The face's family name (name id 1, Windows platform, US English), e.g. "Noto Sans CJK KR". */
function familyOf(collection: Buffer, tables: TableRecord[]): string | undefined {
  const name = tables.find((table) => table.tag === 'name');
  if (!name) return undefined;
  const count = collection.readUInt16BE(name.offset + 2);
  const strings = name.offset + collection.readUInt16BE(name.offset + 4);
  for (let i = 0; i < count; i += 1) {
    const at = name.offset + 6 + 12 * i;
    const [platform, encoding, language, id] = [0, 2, 4, 6].map((d) => collection.readUInt16BE(at + d));
    if (platform !== 3 || encoding !== 1 || language !== 0x409 || id !== 1) continue;
    const start = strings + collection.readUInt16BE(at + 10);
    return Buffer.from(collection.subarray(start, start + collection.readUInt16BE(at + 8)))
      .swap16()
      .toString('utf16le');
  }
  return undefined;
}

/**
 * One face of an OpenType collection as a standalone font file: its table directory with the
 * offsets moved, then its tables (OpenType "Font Collections": a collection's faces share tables
 * by pointing at the same offsets).
 */
export function extractFace(collection: Buffer, family: string): Buffer | undefined {
  if (collection.toString('latin1', 0, 4) !== 'ttcf') return undefined;
  const faces = collection.readUInt32BE(8);
  for (let face = 0; face < faces; face += 1) {
    const offset = collection.readUInt32BE(12 + 4 * face);
    const tables = tablesAt(collection, offset);
    if (familyOf(collection, tables) !== family) continue;
    const headerLength = 12 + 16 * tables.length;
    const padded = (length: number) => (length + 3) & ~3;
    const font = Buffer.alloc(headerLength + tables.reduce((sum, table) => sum + padded(table.length), 0));
    collection.copy(font, 0, offset, offset + 12);
    let at = headerLength;
    tables.forEach((table, i) => {
      const record = 12 + 16 * i;
      font.write(table.tag, record, 'latin1');
      font.writeUInt32BE(table.checksum, record + 4);
      font.writeUInt32BE(at, record + 8);
      font.writeUInt32BE(table.length, record + 12);
      collection.copy(font, at, table.offset, table.offset + table.length);
      at += padded(table.length);
    });
    return font;
  }
  return undefined;
}

/** The region's face of the installed collection, or a CjkFontMissingError saying what to install. */
export function loadCjkFace(region: CjkRegion, dirs: readonly string[] = CJK_FONT_DIRS): Buffer {
  const path = findCjkCollection(dirs);
  if (!path)
    throw new CjkFontMissingError(
      `no CJK font to print Korean or Chinese text as an image: install Noto Sans CJK (Debian/Ubuntu: apt-get ` +
        `install fonts-noto-cjk; looked for ${COLLECTION} in ${dirs.join(', ')}), or name a printer model with a ` +
        `resident font for the language`,
    );
  const family = `Noto Sans CJK ${region}`;
  const face = extractFace(readFileSync(path), family);
  if (!face) throw new CjkFontMissingError(`${path} has no "${family}" face: reinstall fonts-noto-cjk`);
  return face;
}
