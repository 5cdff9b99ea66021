import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { layerSettings } from './settings.ts';

const schema = z.strictObject({
  port: z.number().int().default(7400),
  host: z.string().default('127.0.0.1'),
  name: z.string(),
});
const base = { what: 'test settings', envKeys: { T_PORT: 'port', T_HOST: 'host' }, numericKeys: ['port'] as const };

describe('layerSettings', () => {
  it('layers defaults < file < environment < flags', () => {
    expect(layerSettings(schema, { ...base, file: { name: 'a', host: 'file' }, env: {} })).toEqual({
      port: 7400,
      host: 'file',
      name: 'a',
    });
    expect(
      layerSettings(schema, {
        ...base,
        file: { name: 'a', host: 'file', port: 1 },
        env: { T_HOST: 'env', T_PORT: '2' },
      }),
    ).toEqual({ port: 2, host: 'env', name: 'a' });
    expect(
      layerSettings(schema, {
        ...base,
        file: { name: 'a' },
        env: { T_PORT: '2' },
        flags: { port: 3, host: undefined },
      }),
    ).toEqual({ port: 3, host: '127.0.0.1', name: 'a' });
  });

  it('ignores empty environment variables', () => {
    expect(layerSettings(schema, { ...base, file: { name: 'a' }, env: { T_HOST: '' } }).host).toBe('127.0.0.1');
  });

  it('names every wrong setting', () => {
    expect(() => layerSettings(schema, { ...base, env: { T_PORT: 'eighty' } })).toThrow(
      /test settings is not valid:\n {2}- port: .*\n {2}- name:/,
    );
  });
});
