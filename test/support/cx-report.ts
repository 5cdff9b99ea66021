import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { TEST_QUEUE_VENUE } from './fixtures.ts';

/** A journey map with stages, owners, a target and a segment, and a rule that turns one unhappy press into a task. */
export const CX_VENUE = {
  ...TEST_QUEUE_VENUE,
  touchpoints: [
    { id: 'entrance', name: { ko: '입구', zh: '入口', en: 'Entrance' }, stage: 'before' as const, owner: 'Greeters' },
    {
      id: 'counter-1',
      name: { ko: '1번 창구', zh: '1号窗口', en: 'Counter 1' },
      counterId: 'c1',
      owner: 'Front desk',
      target: 0,
    },
  ],
  segments: [{ id: 'gold', name: { ko: '골드', zh: '金卡', en: 'Gold' }, weight: 1 }],
  analytics: { alertRules: [{ kind: 'unhappy-share' as const, windowMin: 30, minVolume: 1, maxShare: 0.4 }] },
};

/** The PDF's page count and its text, each page's runs joined without spaces. */
export async function pdfText(data: ArrayBuffer): Promise<{ pages: number; text: string }> {
  const doc = await getDocument({ data: new Uint8Array(data), disableFontFace: true }).promise;
  let text = '';
  for (let n = 1; n <= doc.numPages; n += 1) {
    const content = await (await doc.getPage(n)).getTextContent();
    text += content.items.map((item) => ('str' in item ? item.str : '')).join('');
  }
  await doc.destroy();
  return { pages: doc.numPages, text: text.replace(/\s+/g, '') };
}
