/**
 * A queue's ticket log as CSV (README "Ticket logs"): one row per ticket, header required,
 *
 *   ticket,service,segment,joined,called,ended,outcome,counter
 *
 * with venue-local ISO 8601 date-times (2026-08-03T10:00:51). `waitwell simulate --log` writes it,
 * `waitwell replay` reads it. The parser is strict and hand-written (no CSV library is a
 * dependency; the format is small): fields may be quoted ("a,b", "" for a quote), rows that do not
 * make sense are skipped with their line number and why, never guessed at.
 *
 * Times are read as wall-clock: a local time becomes the UTC instant with the same digits, so
 * days, hours and midnight are the venue's own and no time zone is needed.
 */

const LOG_COLUMNS = ['ticket', 'service', 'segment', 'joined', 'called', 'ended', 'outcome', 'counter'] as const;

type LogOutcome = 'served' | 'abandoned' | 'no-show';

export interface TicketLogRow {
  /** Line number in the file (1 = the header), for messages. */
  line: number;
  ticket: string;
  service: string;
  /** Empty string: no segment (ordinary customers). */
  segment: string;
  /** Wall-clock ms (see above). */
  joined: number;
  called: number | null;
  ended: number | null;
  outcome: LogOutcome;
  counter: string;
}

export interface SkippedRow {
  line: number;
  reason: string;
}

export interface ParsedTicketLog {
  rows: TicketLogRow[];
  skipped: SkippedRow[];
}

/** Thrown for a log that cannot be read at all (no header, no valid row). */
export class TicketLogError extends Error {
  override name = 'TicketLogError';
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;

/** A local ISO 8601 date-time as wall-clock ms; null when it is not one (2026-02-30 included). */
export function parseLocalDateTime(text: string): number | null {
  const m = DATE_TIME.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s = '0', frac = '0'] = m.slice(1) as string[];
  const ms = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s, +frac.padEnd(3, '0'));
  const back = new Date(ms);
  if (back.getUTCMonth() !== +mo! - 1 || back.getUTCDate() !== +d! || back.getUTCHours() !== +h! || +s > 59) {
    return null;
  }
  return ms;
}

/** Wall-clock ms as a local ISO 8601 date-time, to the second. */
export function formatLocalDateTime(ms: number): string {
  return new Date(Math.round(ms / 1000) * 1000).toISOString().slice(0, 19);
}

/** Splits CSV text into records of fields with the line each record starts on; quotes may span lines. */
function* csvRecords(text: string): Generator<{ line: number; fields: string[] } | { line: number; error: string }> {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < text.length) {
    const start = line;
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    let error: string | null = null;
    for (;;) {
      if (i >= text.length) {
        if (quoted) error = 'a quoted field is not closed';
        fields.push(field);
        break;
      }
      const c = text[i]!;
      if (quoted) {
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          quoted = false;
          i += 1;
          continue;
        }
        if (c === '\n') line += 1;
        field += c;
        i += 1;
        continue;
      }
      if (c === '"' && field === '') {
        quoted = true;
        i += 1;
        continue;
      }
      if (c === ',') {
        fields.push(field);
        field = '';
        i += 1;
        continue;
      }
      if (c === '\n' || c === '\r') {
        fields.push(field);
        i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
        line += 1;
        break;
      }
      if (c === '"') error ??= 'a quote inside an unquoted field (quote the whole field)';
      field += c;
      i += 1;
    }
    if (error) yield { line: start, error };
    else if (!(fields.length === 1 && fields[0]!.trim() === '')) yield { line: start, fields };
  }
}

const OUTCOMES: readonly string[] = ['served', 'abandoned', 'no-show'];

/** Reads a ticket log. Throws TicketLogError when the header is wrong or no row is valid. */
export function parseTicketLog(text: string): ParsedTicketLog {
  const records = csvRecords(text);
  const first = records.next();
  if (first.done) throw new TicketLogError(`the log is empty: it needs the header ${LOG_COLUMNS.join(',')}`);
  if ('error' in first.value) throw new TicketLogError(`line 1 (the header): ${first.value.error}`);
  const header = first.value.fields.map((f) => f.trim().toLowerCase());
  const column = Object.fromEntries(LOG_COLUMNS.map((name) => [name, header.indexOf(name)])) as Record<
    (typeof LOG_COLUMNS)[number],
    number
  >;
  const missing = LOG_COLUMNS.filter((name) => column[name] < 0 && name !== 'segment');
  if (missing.length > 0)
    throw new TicketLogError(
      `line 1 must be the header ${LOG_COLUMNS.join(',')} (segment may be left out); missing: ${missing.join(', ')}`,
    );
  const rows: TicketLogRow[] = [];
  const skipped: SkippedRow[] = [];
  for (const record of records) {
    if ('error' in record) {
      skipped.push({ line: record.line, reason: record.error });
      continue;
    }
    if (record.fields.length !== header.length) {
      skipped.push({
        line: record.line,
        reason: `${record.fields.length} fields where the header has ${header.length}`,
      });
      continue;
    }
    const get = (name: (typeof LOG_COLUMNS)[number]) => (column[name] < 0 ? '' : record.fields[column[name]]!.trim());
    const row = readRow(record.line, get);
    if ('reason' in row) skipped.push(row);
    else rows.push(row);
  }
  if (rows.length === 0) {
    const first = skipped
      .slice(0, 3)
      .map((s) => `line ${s.line}: ${s.reason}`)
      .join('; ');
    throw new TicketLogError(`the log has no valid row${first ? ` (${first})` : ''}`);
  }
  return { rows, skipped };
}

function readRow(line: number, get: (name: (typeof LOG_COLUMNS)[number]) => string): TicketLogRow | SkippedRow {
  const skip = (reason: string): SkippedRow => ({ line, reason });
  const ticket = get('ticket');
  const service = get('service');
  if (!ticket) return skip('no ticket');
  if (!service) return skip('no service');
  const outcome = get('outcome');
  if (!OUTCOMES.includes(outcome)) return skip(`outcome "${outcome}" is not served, abandoned or no-show`);
  const times: Record<'joined' | 'called' | 'ended', number | null> = { joined: null, called: null, ended: null };
  for (const name of ['joined', 'called', 'ended'] as const) {
    const text = get(name);
    if (!text) continue;
    const ms = parseLocalDateTime(text);
    if (ms === null) return skip(`${name} "${text}" is not a date-time like 2026-08-03T10:00:51`);
    times[name] = ms;
  }
  const { joined, called, ended } = times;
  const counter = get('counter');
  if (joined === null) return skip('no joined time');
  if (outcome === 'abandoned') {
    if (called !== null)
      return skip('an abandoned ticket has a called time (a called customer who was gone is a no-show)');
    if (ended === null) return skip('an abandoned ticket needs ended (when the customer left)');
  } else {
    if (called === null) return skip(`a ${outcome} ticket needs a called time`);
    if (!counter) return skip(`a ${outcome} ticket needs the counter that called it`);
    if (outcome === 'served' && ended === null) return skip('a served ticket needs ended (the end of its service)');
    if (called < joined) return skip('called is before joined');
  }
  if (ended !== null && ended < (called ?? joined))
    return skip(`ended is before ${called === null ? 'joined' : 'called'}`);
  return {
    line,
    ticket,
    service,
    segment: get('segment'),
    joined,
    called,
    ended: ended ?? called,
    outcome: outcome as LogOutcome,
    counter,
  };
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The log as CSV text, header first. */
export function formatTicketLog(rows: ReadonlyArray<Omit<TicketLogRow, 'line'>>): string {
  const lines = [LOG_COLUMNS.join(',')];
  for (const r of rows) {
    const time = (ms: number | null) => (ms === null ? '' : formatLocalDateTime(ms));
    lines.push(
      [r.ticket, r.service, r.segment, time(r.joined), time(r.called), time(r.ended), r.outcome, r.counter]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
