/**
 * HTTP at the byte level, for what a well-behaved client refuses to send: raw request bytes on a socket,
 * slow bodies that respect back-pressure, and duplicate or odd headers through node:http.
 */
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface RawAnswer {
  /** Null when the server closed without a status line. */
  readonly status: number | null;
  readonly headers: string;
  readonly body: string;
}

function parseAnswer(raw: Buffer): RawAnswer {
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const head = end === -1 ? text : text.slice(0, end);
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1];
  return {
    status: status === undefined ? null : Number(status),
    headers: head,
    body: end === -1 ? '' : raw.subarray(Buffer.byteLength(text.slice(0, end + 4), 'latin1')).toString(),
  };
}

/** True once `raw` holds one complete response (by Content-Length), so keep-alive needs no close. */
function complete(raw: Buffer): boolean {
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end === -1) return false;
  const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end))?.[1];
  return length !== undefined && raw.byteLength >= end + 4 + Number(length);
}

/** Sends exactly these bytes and reads one answer (or whatever came before the server closed). */
export function rawExchange(port: number, bytes: Buffer | string, waitMs = 10_000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(parseAnswer(Buffer.concat(chunks)));
    };
    const timer = setTimeout(done, waitMs);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (complete(Buffer.concat(chunks))) done();
    });
    socket.on('end', done);
    socket.on('close', done);
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // A reset after the answer arrived is the server dropping an unwanted body: keep the answer.
      if (chunks.length > 0 || error.code === 'ECONNRESET' || error.code === 'EPIPE') done();
      else {
        clearTimeout(timer);
        reject(error);
      }
    });
    socket.write(bytes);
  });
}

export interface SlowUpload {
  readonly answer: RawAnswer;
  /** Body bytes the socket accepted before the answer came (the rest was never sent). */
  readonly bodyBytesWritten: number;
  /** Whether the whole body was written before the answer came. */
  readonly finished: boolean;
}

/**
 * Uploads a body of `totalBytes` in `chunkBytes` pieces, waiting for the socket to drain and a tick between
 * pieces (a slow sender that respects back-pressure), and stops as soon as an answer starts arriving.
 * `declaredLength` false sends it chunked (no Content-Length at all).
 */
export function slowUpload(
  port: number,
  options: {
    readonly path: string;
    readonly totalBytes: number;
    readonly chunkBytes: number;
    readonly declaredLength: boolean;
    readonly headers?: Readonly<Record<string, string>>;
    readonly pauseMs?: number;
  },
): Promise<SlowUpload> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let written = 0;
    let answered = false;
    let settled = false;
    const finish = (finished: boolean) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve({ answer: parseAnswer(Buffer.concat(chunks)), bodyBytesWritten: written, finished });
    };
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      answered = true;
      if (complete(Buffer.concat(chunks))) finish(written >= options.totalBytes);
    });
    socket.on('close', () => finish(written >= options.totalBytes));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (answered || error.code === 'ECONNRESET' || error.code === 'EPIPE') finish(false);
      else if (!settled) {
        settled = true;
        reject(error);
      }
    });
    const extra = Object.entries(options.headers ?? {})
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    const framing = options.declaredLength
      ? `Content-Length: ${options.totalBytes}\r\n`
      : 'Transfer-Encoding: chunked\r\n';
    socket.write(`POST ${options.path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${framing}${extra}\r\n`);
    const piece = Buffer.alloc(options.chunkBytes, 0x61);
    const pump = async () => {
      while (!answered && !settled && written < options.totalBytes) {
        const size = Math.min(options.chunkBytes, options.totalBytes - written);
        const data = piece.subarray(0, size);
        const framed = options.declaredLength
          ? data
          : Buffer.concat([Buffer.from(`${size.toString(16)}\r\n`), data, Buffer.from('\r\n')]);
        const flushed = socket.write(framed);
        written += size;
        if (!flushed) await new Promise((drained) => socket.once('drain', drained));
        await new Promise((tick) => setTimeout(tick, options.pauseMs ?? 1));
      }
      if (!answered && !settled && !options.declaredLength) socket.write('0\r\n\r\n');
    };
    pump().catch(() => finish(false));
  });
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

/** One request through node:http: header values may be arrays (sent as repeated header lines). */
export function httpSend(
  port: number,
  request: {
    readonly method: string;
    readonly path: string;
    readonly headers?: Readonly<Record<string, string | string[]>>;
    readonly body?: Uint8Array | string;
  },
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const outgoing = httpRequest(
      { host: '127.0.0.1', port, method: request.method, path: request.path, headers: request.headers },
      (response) => {
        answered = true;
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        );
        response.on('error', reject);
      },
    );
    // The server may drop the connection after answering (a body it will not read): the answer stands.
    outgoing.on('error', (error) => {
      if (!answered) reject(error);
    });
    outgoing.end(request.body);
  });
}
