import { expect } from 'vitest';
import { envelopeSchema } from '#commons/fivetran/schemas';
import type { Simulator } from '../../functions/simulator/simulator.ts';

export const AUTH = `Basic ${Buffer.from('demo-key:demo-secret').toString('base64')}`;

export interface RawAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

/** One raw request to the simulator with the demo credential: the answer exactly as sent. */
export async function get(
  sim: Simulator,
  path: string,
  headers: Record<string, string> = {},
): Promise<RawAnswer> {
  const response = await fetch(`${sim.url}${path}`, { headers: { Authorization: AUTH, ...headers } });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

/** The `data` of a successful answer, after checking the envelope the client checks. */
export async function data(sim: Simulator, path: string): Promise<unknown> {
  const { status, body } = await get(sim, path);
  expect(status).toBe(200);
  const envelope = envelopeSchema.parse(body);
  expect(envelope.code).toBe('Success');
  return envelope.data;
}

/** Every raw item of a listing, following `next_cursor` at 1,000 a page. */
export async function items(sim: Simulator, path: string): Promise<Record<string, unknown>[]> {
  const all: Record<string, unknown>[] = [];
  let cursor: string | null | undefined;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const query = `${separator}limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = (await data(sim, `${path}${query}`)) as {
      items: Record<string, unknown>[];
      next_cursor?: string;
    };
    all.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return all;
}
