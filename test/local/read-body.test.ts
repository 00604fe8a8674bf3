import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BodyTooLargeError, readBody } from '#commons/http/read-body';

/** A request body that produces 16 KiB chunks on demand and counts how many were pulled. */
function lazyBody(totalChunks: number, headers: Record<string, string> = {}) {
  let produced = 0;
  const stream = new Readable({
    highWaterMark: 16 * 1024,
    read() {
      if (produced === totalChunks) this.push(null);
      else {
        produced++;
        this.push(Buffer.alloc(16 * 1024, 120));
      }
    },
  });
  return {
    request: Object.assign(stream, { headers }) as unknown as IncomingMessage,
    produced: () => produced,
  };
}

describe('Function: readBody', () => {
  it('returns the whole body under the limit', async () => {
    // Prepare
    const { request } = lazyBody(4);

    // Act
    const body = await readBody(request, 256 * 1024);

    // Assess
    expect(body.byteLength).toBe(64 * 1024);
  });

  it('stops pulling the body as soon as it passes the limit', async () => {
    // Prepare: 64 MiB offered, 256 KiB allowed.
    const { request, produced } = lazyBody(4096);

    // Act
    const reading = readBody(request, 256 * 1024);

    // Assess
    await expect(reading).rejects.toThrow(BodyTooLargeError);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // 17 chunks pass the limit; the stream's read-ahead may add a few, never the rest.
    expect(produced()).toBeLessThan(24);
  });

  it('refuses a declared Content-Length over the limit without reading anything', async () => {
    // Prepare
    const { request, produced } = lazyBody(4096, { 'content-length': String(64 * 1024 * 1024) });

    // Act
    const reading = readBody(request, 256 * 1024);

    // Assess
    await expect(reading).rejects.toThrow(BodyTooLargeError);
    expect(produced()).toBe(0);
  });
});
