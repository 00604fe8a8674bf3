import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { connectionSchema } from '#commons/fivetran/schemas';
import { idField, MAX_UNREADABLE_PER_PAGE, readItem, readItems } from '#commons/fivetran/tolerant-read';

describe('tolerant reading of one item', () => {
  it('keeps an item whose fields all match, reporting nothing', () => {
    // Prepare
    const raw = { id: 'c1', paused: true, status: { setup_state: 'connected', tasks: [] } };

    // Act
    const result = readItem(connectionSchema, raw, idField);

    // Assess
    expect(result).toEqual({ value: raw, unreadable: null });
  });

  it('drops every field that does not match, keeps the rest, and names the first problem', () => {
    // Prepare
    const raw = {
      id: 'c2',
      paused: 'yes',
      sync_frequency: 60,
      status: { setup_state: 7, sync_state: 'scheduled', tasks: [{ code: 'reconnect' }, 3, { code: false }] },
    };

    // Act
    const result = readItem(connectionSchema, raw, idField);

    // Assess
    expect(result.value).toEqual({
      id: 'c2',
      sync_frequency: 60,
      status: { sync_state: 'scheduled', tasks: [{ code: 'reconnect' }, {}] },
    });
    expect(result.unreadable?.id).toBe('c2');
    expect(result.unreadable?.problem).toMatch(/^paused: /);
  });

  it('repairs nested problems over several rounds, within a bound', () => {
    // Prepare: a schema whose nested objects each fail once their inner problem is removed.
    const deep = z.looseObject({
      id: z.string(),
      a: z
        .looseObject({
          b: z.looseObject({ c: z.looseObject({ d: z.string().optional() }).optional() }).optional(),
        })
        .optional(),
    });
    const raw = { id: 'x', a: { b: { c: { d: 1 } } } };

    // Act
    const result = readItem(deep, raw, idField);

    // Assess
    expect(result.value).toEqual({ id: 'x', a: { b: { c: {} } } });
    expect(result.unreadable?.problem).toMatch(/^a\.b\.c\.d: /);
  });

  it('drops an item without a readable id, or one that is not an object', () => {
    // Act
    const results = [{ schema: 'x' }, { id: 5 }, { id: '' }, 'text', null, [1]].map((raw) =>
      readItem(connectionSchema, raw, idField),
    );

    // Assess
    expect(results.every((r) => r.value === null && r.unreadable?.id === null)).toBe(true);
    expect(results.map((r) => r.unreadable?.problem)).toEqual([
      '(item): no readable id',
      '(item): no readable id',
      '(item): no readable id',
      '(item): not a JSON object',
      '(item): not a JSON object',
      '(item): not a JSON object',
    ]);
  });

  it('keeps control characters and bidi overrides from record keys out of the problem, and clips it', () => {
    // Prepare: a config-like map keyed by text from Fivetran.
    const schema = z.looseObject({
      id: z.string(),
      tables: z.record(z.string(), z.looseObject({})).optional(),
    });
    const key = `\u001b]52;c;${'A'.repeat(300)}\u0007\u202e`;
    const raw = { id: 'c3', tables: { [key]: 'not an object' } };

    // Act
    const result = readItem(schema, raw, idField);

    // Assess
    const problem = result.unreadable?.problem ?? '';
    const unprintable = [...problem].filter((ch) => {
      const code = ch.codePointAt(0) ?? 0;
      return code < 0x20 || (code >= 0x7f && code <= 0x9f) || (code >= 0x202a && code <= 0x202e);
    });
    expect(unprintable).toEqual([]);
    expect(problem.length).toBeLessThanOrEqual(200);
    expect(result.value).toEqual({ id: 'c3', tables: {} });
  });

  it('keeps a shape without an identity whatever it holds (a schema config)', () => {
    // Act
    const result = readItem(z.looseObject({ enabled: z.boolean().optional() }), { enabled: 'no' }, null);

    // Assess
    expect(result).toEqual({
      value: {},
      unreadable: { id: null, problem: expect.stringMatching(/^enabled: /) },
    });
  });
});

describe('tolerant reading of a page', () => {
  it('keeps the readable items and bounds what it lists as unreadable', () => {
    // Prepare
    const raw = [...Array.from({ length: 250 }, (_, i) => ({ name: `no id ${i}` })), { id: 'kept' }];

    // Act
    const page = readItems(connectionSchema, raw, idField);

    // Assess
    expect(page.items.map((c) => c.id)).toEqual(['kept']);
    expect(page.unreadable).toHaveLength(MAX_UNREADABLE_PER_PAGE);
    expect(page.unreadableTotal).toBe(250);
  });
});
