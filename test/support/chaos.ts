import Database from 'better-sqlite3';
import type { TakenTicket } from '../../kiosk/ticket-desk.ts';

/**
 * What the fault-injection tests share (README "Reliability"): seeded timings, customers pressing
 * and taking tickets through a kiosk's screen API, and the counts read back from the hub.
 */

/** A small seeded generator (mulberry32): the same seed gives the same kill and pause timings. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A ticket a customer holds: what its paper says. */
export interface Paper {
  kioskId: string;
  ticketId: string;
  serviceId: string;
  number: string;
  day: string;
  offline: boolean;
}

export interface Refusal {
  kioskId: string;
  status: number;
  code: string;
}

/** Takes one ticket through a kiosk's screen API, as its "take a ticket" button does. */
export async function takeTicketAt(
  localUrl: string,
  kioskId: string,
  serviceId: string,
): Promise<{ paper: Paper } | { refusal: Refusal }> {
  const response = await fetch(`${localUrl}/local/tickets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ serviceId, language: 'en' }),
  });
  const body = (await response.json()) as TakenTicket & { error?: { code: string } };
  if (response.status !== 201) return { refusal: { kioskId, status: response.status, code: body.error?.code ?? '' } };
  const { ticket, offline } = body;
  return { paper: { kioskId, ticketId: ticket.ticketId, serviceId, number: ticket.number, day: ticket.day, offline } };
}

/** Records one smiley press through a kiosk's screen API; the answer is the stored event's id and seq. */
export async function pressAt(localUrl: string, level: number): Promise<{ id: string; seq: number }> {
  const response = await fetch(`${localUrl}/local/feedback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ touchpointId: 'entrance', level: (level % 4) + 1, source: 'screen' }),
  });
  const body = (await response.json()) as { id: string; seq: number };
  if (response.status !== 201) throw new Error(`kiosk answered ${response.status}: ${JSON.stringify(body)}`);
  return { id: body.id, seq: body.seq };
}

/** ticket.taken events a hub's SQLite file stored, by ticket id: the number each kiosk recorded. */
export function ticketTakenRecords(hubFile: string): Map<string, string> {
  const db = new Database(hubFile, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare<[], { payload: string }>("SELECT payload FROM events WHERE type = 'ticket.taken'")
      .all()
      .map((row) => JSON.parse(row.payload) as { ticketId: string; number: string });
    const byTicket = new Map<string, string>();
    for (const row of rows) {
      if (byTicket.has(row.ticketId)) throw new Error(`ticket ${row.ticketId} was recorded twice`);
      byTicket.set(row.ticketId, row.number);
    }
    return byTicket;
  } finally {
    db.close();
  }
}

/** Each fault-injection test prints one line of figures; the README's reliability table quotes them. */
export function reportFigures(test: string, figures: Record<string, unknown>): string {
  const line = JSON.stringify({ test, ...figures });
  console.log(`chaos figures: ${line}`);
  return line;
}
