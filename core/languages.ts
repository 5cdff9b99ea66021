import { z } from 'zod';

/** Every customer-facing text exists in these three languages (the seeds' markets plus English). */
export const LANGUAGES = ['ko', 'zh', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const languageSchema = z.enum(LANGUAGES);

export const localizedTextSchema = z.object({ ko: z.string().min(1), zh: z.string().min(1), en: z.string().min(1) });
