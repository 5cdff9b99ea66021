import { describe, expect, it } from 'vitest';
import {
  formatLocalDateTime,
  formatTicketLog,
  parseLocalDateTime,
  parseTicketLog,
  TicketLogError,
} from './ticket-log.ts';

const HEADER = 'ticket,service,segment,joined,called,ended,outcome,counter';

describe('ticket log CSV', () => {
  it('reads local date-times as wall-clock and refuses impossible ones', () => {
    expect(formatLocalDateTime(parseLocalDateTime('2026-08-03T10:00:51')!)).toBe('2026-08-03T10:00:51');
    expect(parseLocalDateTime('2026-08-03 10:00')).toBe(Date.UTC(2026, 7, 3, 10, 0));
    expect(parseLocalDateTime('2026-08-03T10:00:51.25')).toBe(Date.UTC(2026, 7, 3, 10, 0, 51, 250));
    expect(parseLocalDateTime('2026-02-30T10:00:00')).toBeNull();
    expect(parseLocalDateTime('2026-08-03T24:00:00')).toBeNull();
    expect(parseLocalDateTime('03/08/2026 10:00')).toBeNull();
  });

  it('round-trips rows through the format, quoted fields included', () => {
    const rows = [
      {
        ticket: 'A-001',
        service: 'Loans, "big"',
        segment: '',
        joined: Date.UTC(2026, 7, 3, 9, 0, 5),
        called: Date.UTC(2026, 7, 3, 9, 4, 0),
        ended: Date.UTC(2026, 7, 3, 9, 9, 30),
        outcome: 'served' as const,
        counter: 'desk 1',
      },
      {
        ticket: 'A-002',
        service: 'Loans, "big"',
        segment: 'gold',
        joined: Date.UTC(2026, 7, 3, 9, 1, 0),
        called: null,
        ended: Date.UTC(2026, 7, 3, 9, 30, 0),
        outcome: 'abandoned' as const,
        counter: '',
      },
    ];
    const text = formatTicketLog(rows);
    expect(text.split('\n')[1]).toBe(
      'A-001,"Loans, ""big""",,2026-08-03T09:00:05,2026-08-03T09:04:00,2026-08-03T09:09:30,served,desk 1',
    );
    const parsed = parseTicketLog(text);
    expect(parsed.skipped).toEqual([]);
    expect(parsed.rows.map(({ line: _line, ...r }) => r)).toEqual(rows);
    expect(parsed.rows.map((r) => r.line)).toEqual([2, 3]);
  });

  it('skips rows with missing or inconsistent times, naming their line and why', () => {
    const text = [
      HEADER,
      'A-1,A,,2026-08-03T09:00:00,2026-08-03T09:01:00,2026-08-03T09:05:00,served,c1',
      'A-2,A,,2026-08-03T09:00:00,,2026-08-03T09:05:00,served,c1',
      'A-3,A,,2026-08-03T09:10:00,2026-08-03T09:05:00,2026-08-03T09:12:00,served,c1',
      'A-4,A,,2026-08-03T09:10:00,2026-08-03T09:11:00,2026-08-03T09:10:30,served,c1',
      'A-5,A,,yesterday,,2026-08-03T09:05:00,abandoned,',
      'A-6,A,,2026-08-03T09:10:00,,,abandoned,',
      'A-7,A,,2026-08-03T09:10:00,2026-08-03T09:11:00,,no-show,',
      'A-8,A,,2026-08-03T09:10:00,2026-08-03T09:11:00,,left,c1',
      'A-9,A,,2026-08-03T09:10:00',
      'A-10,A,,2026-08-03T09:10:00,2026-08-03T09:11:00,,no-show,c2',
      '',
    ].join('\n');
    const { rows, skipped } = parseTicketLog(text);
    expect(rows.map((r) => r.ticket)).toEqual(['A-1', 'A-10']);
    // a no-show without an end ends when it was called
    expect(rows[1]!.ended).toBe(rows[1]!.called);
    expect(skipped.map((s) => s.line)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    expect(skipped[0]!.reason).toBe('a served ticket needs a called time');
    expect(skipped[1]!.reason).toBe('called is before joined');
    expect(skipped[2]!.reason).toBe('ended is before called');
    expect(skipped[3]!.reason).toContain('joined "yesterday" is not a date-time');
    expect(skipped[4]!.reason).toContain('needs ended');
    expect(skipped[5]!.reason).toContain('needs the counter');
    expect(skipped[6]!.reason).toContain('outcome "left"');
    expect(skipped[7]!.reason).toBe('4 fields where the header has 8');
  });

  it('counts lines of quoted fields that span lines, and reports an unclosed quote', () => {
    const text = `${HEADER}\n"A\n1",A,,2026-08-03T09:00:00,,2026-08-03T09:05:00,abandoned,\nA-2,"A,,,,,,\n`;
    const { rows, skipped } = parseTicketLog(text);
    expect(rows[0]!.ticket).toBe('A\n1');
    expect(skipped).toEqual([{ line: 4, reason: 'a quoted field is not closed' }]);
  });

  it('refuses a log without the header or without a valid row', () => {
    expect(() => parseTicketLog('')).toThrow(TicketLogError);
    expect(() => parseTicketLog('A-1,A,,2026-08-03T09:00:00,,2026-08-03T09:05:00,abandoned,\n')).toThrow(
      /line 1 must be the header .* missing: ticket, service, joined, called, ended, outcome, counter/,
    );
    expect(() => parseTicketLog(`${HEADER}\nA-1,A,,2026-08-03T09:00:00,,,served,c1\n`)).toThrow(
      'the log has no valid row (line 2: a served ticket needs a called time)',
    );
  });

  it('accepts a log without the optional segment column, in any column order', () => {
    const text = [
      'outcome,ticket,service,joined,called,ended,counter',
      'served,A-1,A,2026-08-03T09:00:00,2026-08-03T09:01:00,2026-08-03T09:02:00,c1',
    ].join('\n');
    const { rows } = parseTicketLog(text);
    expect(rows[0]).toMatchObject({ ticket: 'A-1', service: 'A', segment: '', outcome: 'served', counter: 'c1' });
  });
});
