import type { TicketToPrint } from './device.ts';

/** The ticket an installer or staff member prints to check a printer (CLI and the kiosk's staff panel). */
export function testTicket(venueName: string, hubUrl: string, issuedAt: number): TicketToPrint {
  return {
    ticketId: '00000000-0000-7000-8000-000000000000',
    language: 'en',
    venueName,
    serviceName: 'Test print',
    number: 'T-001',
    postedWaitMin: 5,
    position: 0,
    issuedAt,
    url: `${hubUrl.replace(/\/$/, '')}/t/test`,
  };
}
