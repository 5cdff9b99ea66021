import { describe, expect, it } from 'vitest';
import { promiseLedger } from '../../core/analytics/operations.ts';
import { surpriseVsFeedback, touchpointReport } from '../../core/analytics/report.ts';
import { venueSchema } from '../../core/venue.ts';
import { cxCsv, cxPdfFile, NoCjkFont } from './cx-files.ts';
import { findCjkFont } from './cx-pdf.ts';
import type { CxReport } from './cx-report.ts';

const venue = venueSchema.parse({
  id: 'v',
  name: 'V',
  touchpoints: [{ id: 'desk', name: { ko: '안내, 접수', zh: '服务台', en: 'Desk, "front"' }, owner: 'Front' }],
});

/** A report of one empty day with one press-like moment at the desk. */
function report(): CxReport {
  const scored = touchpointReport([{ touchpointId: 'desk', segmentId: null, visit: false, at: 1, experience: 2 }]);
  const promises = promiseLedger([], { venueId: 'v', from: '2026-12-04', to: '2026-12-04', offsetAt: () => 0, now: 0 });
  return {
    venueId: 'v',
    venueName: 'V',
    from: '2026-12-04',
    to: '2026-12-04',
    timeZone: 'UTC',
    analytics: {
      venueId: 'v',
      from: promises.fromMs,
      to: promises.toMs,
      ...scored,
      journeys: { count: 0, meanAverage: null, meanPeakEnd: null, meanVsExpectation: null, unattributed: 1, items: [] },
      surprise: surpriseVsFeedback([]),
      timeZone: 'UTC',
      reasons: { rows: [], trend: [], refused: [] },
      unknownTouchpoints: [],
      compare: null,
    },
    promises,
    tasks: [],
  };
}

describe('report files', () => {
  it('quotes names with commas and quotes in the CSV, in the reader’s language', () => {
    const en = cxCsv(report(), venue, 'en', 'journey').body.toString('utf8');
    expect(en.startsWith('\uFEFFStage,Touchpoint,Owner,')).toBe(true);
    expect(en).toContain('During,"Desk, ""front""",Front,1,2,');
    expect(cxCsv(report(), venue, 'ko', 'journey').body.toString('utf8')).toContain('진행 중,"안내, 접수",Front,1,2,');
  });

  it('refuses a PDF without a CJK font, saying what to install, instead of printing boxes', async () => {
    expect(findCjkFont(['/nowhere/a.ttc', '/nowhere/b.ttc'])).toBeUndefined();
    const made = cxPdfFile(report(), venue, 'ko', { generatedAt: 'now', fonts: ['/nowhere/a.ttc'] });
    await expect(made).rejects.toBeInstanceOf(NoCjkFont);
    await expect(made).rejects.toThrow('fonts-noto-cjk');
  });
});
