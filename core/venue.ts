import { z } from 'zod';
import { slugSchema } from './ids.ts';
import { localizedTextSchema } from './languages.ts';

/** The parts of a venue's journey map a kiosk needs; the journey-map issue grows this. */
export const touchpointSchema = z.strictObject({
  id: slugSchema,
  name: localizedTextSchema,
  stage: z.enum(['before', 'during', 'after']).default('during'),
});
export type Touchpoint = z.infer<typeof touchpointSchema>;

export const venueSchema = z.strictObject({
  id: slugSchema,
  name: z.string().min(1).max(200),
  timezone: z.string().min(1).default('UTC'),
  touchpoints: z.array(touchpointSchema).default([]),
});
export type Venue = z.infer<typeof venueSchema>;
export type VenueInput = z.input<typeof venueSchema>;
