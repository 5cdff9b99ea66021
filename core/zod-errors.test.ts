import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeZodIssues } from './zod-errors.ts';

const issues = (schema: z.ZodType, input: unknown) => {
  const result = schema.safeParse(input);
  if (result.success) throw new Error('expected the input to be refused');
  return result.error;
};

describe('describeZodIssues', () => {
  it('names each bad field by its dotted path, and the value itself as (root)', () => {
    const schema = z.object({ name: z.string(), counters: z.array(z.object({ id: z.string() })) });
    expect(describeZodIssues(issues(schema, { name: 1, counters: [{ id: 'a' }, {}] }))).toBe(
      'name: Invalid input: expected string, received number; ' +
        'counters.1.id: Invalid input: expected string, received undefined',
    );
    expect(describeZodIssues(issues(schema, 'text'))).toBe('(root): Invalid input: expected object, received string');
  });

  it('joins with the separator asked for, and says how many more after ten', () => {
    const error = issues(
      z.array(z.number()),
      Array.from({ length: 12 }, () => 'x'),
    );
    const lines = describeZodIssues(error, '\n').split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe('0: Invalid input: expected number, received string');
    expect(lines[10]).toBe('and 2 more');
  });
});
