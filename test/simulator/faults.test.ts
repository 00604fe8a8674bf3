import { describe, expect, it } from 'vitest';
import { FaultBook } from '../../functions/simulator/faults.ts';
import { createRandom } from '../../functions/simulator/prng.ts';

const LIST = { endpoint: 'GET /v1/connections', hasCursor: false };
const ONE = { endpoint: 'GET /v1/connections/{id}', hasCursor: false };

function kinds(
  book: FaultBook,
  requests: readonly { endpoint: string; hasCursor: boolean }[],
): (string | null)[] {
  return requests.map((request) => {
    const { effect } = book.take(request);
    return effect === null ? null : effect.kind === 'status' ? String(effect.status) : effect.kind;
  });
}

describe('simulator fault plan', () => {
  it('fires per endpoint, after `skip`, for `times` requests', () => {
    // Prepare
    const book = new FaultBook(createRandom(1));
    book.add({ endpoint: 'GET /v1/connections', kind: 'status', status: 503, skip: 1, times: 2 });

    // Act
    const seen = kinds(book, [LIST, ONE, LIST, LIST, LIST]);

    // Assess
    expect(seen).toEqual([null, null, '503', '503', null]);
    expect(book.size).toBe(0);
  });

  it('draws probabilistic faults from the seed: same seed, same pattern', () => {
    // Prepare
    const run = (seed: number) => {
      const book = new FaultBook(createRandom(seed));
      book.add({ kind: 'status', status: 500, probability: 0.5 });
      return kinds(
        book,
        Array.from({ length: 40 }, () => LIST),
      );
    };

    // Act
    const [a, b, c] = [run(9), run(9), run(10)];

    // Assess
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const fired = a.filter((k) => k !== null).length;
    expect(fired).toBeGreaterThan(5);
    expect(fired).toBeLessThan(35);
  });

  it('adds latencies and still applies the first other fault; repeat_cursor only on cursor requests', () => {
    // Prepare
    const book = new FaultBook(createRandom(1));
    book.add({ kind: 'latency', ms: 30 });
    book.add({ kind: 'latency', ms: 20, times: 1 });
    book.add({ kind: 'repeat_cursor', times: 1 });
    book.add({ kind: 'malformed', times: 1 });
    book.add({ kind: 'truncated', times: 1 });

    // Act
    const first = book.take(LIST);
    const second = book.take({ endpoint: 'GET /v1/connections', hasCursor: true });

    // Assess
    expect(first).toEqual({ latencyMs: 50, effect: { kind: 'malformed', times: 1 } });
    expect(second).toEqual({ latencyMs: 30, effect: { kind: 'repeat_cursor', times: 1 } });
  });
});
