import { createRequire } from 'node:module';

/**
 * dynalite answers a LevelDB failure it did not expect (ENOSPC from a full disk, an I/O error, a closed
 * database) by throwing it from a callback: an uncaught exception that kills the whole process. Every
 * error from its LevelDB is therefore marked here as an AWS-style 500 before dynalite sees it, so dynalite
 * answers it like any other service error: the SDK reads an `InternalServerError`, the store a
 * `StoreUnavailableError`, HTTP a 503, and Fivetran retries. Write failures are remembered until a write
 * succeeds again, so `/healthz` can say the store cannot write even while reads still work.
 */

/** The parts of dynalite's LevelDB wrapper this guard touches (it ships no types). */
export interface LevelDbLike {
  put(key: string, value: unknown, callback?: (error?: Error | null) => void): unknown;
  get(key: string, callback?: (error?: Error | null, value?: unknown) => void): unknown;
  del(key: string, callback?: (error?: Error | null) => void): unknown;
  batch(operations: unknown[], callback?: (error?: Error | null) => void): unknown;
  createKeyStream(options?: unknown): NodeJS.EventEmitter;
  createValueStream(options?: unknown): NodeJS.EventEmitter;
  open(): Promise<void>;
}

interface DynaliteStore {
  readonly db: LevelDbLike;
}

interface DynaliteDbModule {
  create(options: unknown): DynaliteStore;
  /** Set once this module has wrapped `create`. */
  __fivetranMetadataCapture?: (store: DynaliteStore) => void;
}

const dynaliteDb = createRequire(import.meta.url)('dynalite/db/index.js') as DynaliteDbModule;

/**
 * Runs `start` (which calls `dynalite()`) and returns the LevelDB store that call created: dynalite creates
 * it synchronously inside `dynalite()`, through this module's `create`, and keeps it to itself otherwise.
 */
export function captureDynaliteStore<T>(start: () => T): { readonly result: T; readonly db: LevelDbLike } {
  if (dynaliteDb.__fivetranMetadataCapture === undefined) {
    const create = dynaliteDb.create;
    dynaliteDb.create = (options) => {
      const store = create(options);
      dynaliteDb.__fivetranMetadataCapture?.(store);
      return store;
    };
  }
  let captured: DynaliteStore | null = null;
  dynaliteDb.__fivetranMetadataCapture = (store) => {
    captured = store;
  };
  try {
    const result = start();
    if (captured === null) throw new Error('dynalite did not create its store through dynalite/db');
    return { result, db: (captured as DynaliteStore).db };
  } finally {
    dynaliteDb.__fivetranMetadataCapture = () => {};
  }
}

/** What the guard has seen of the store's health. */
export interface StoreFaults {
  /** The last write failure since the last successful write, as one line; null when writes work. */
  writeFailure(): string | null;
  /**
   * Null when the store can write now (trying one small write when a failure was seen, at most once a
   * second), else why not: the disk filled up, or was made read-only, after the server started.
   */
  check(): Promise<string | null>;
}

const INTERNAL_FAILURE = 'com.amazonaws.dynamodb.v20120810#InternalServerError';
const PROBE_KEY = '~fivetran-metadata-write-probe';

/** One line for an error from LevelDB (its message, and the cause's when it wraps one). */
export function levelMessage(error: Error & { cause?: unknown }): string {
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`.replace(/\s+/g, ' ').slice(0, 300);
}

/** Marks a LevelDB error as a 500 dynalite answers instead of throwing (in place: listeners share it). */
function asServiceError(error: Error & { statusCode?: number; body?: unknown }): Error {
  if (error.statusCode === undefined) {
    error.statusCode = 500;
    error.body = { __type: INTERNAL_FAILURE, message: `the local store failed: ${levelMessage(error)}` };
  }
  return error;
}

/** Wraps dynalite's LevelDB so no error of it is thrown, and remembers write failures. */
export function guardStore(db: LevelDbLike, now: () => number = Date.now): StoreFaults {
  let failure: string | null = null;
  let lastCheckMs = Number.NEGATIVE_INFINITY;
  const original = {
    put: db.put.bind(db),
    get: db.get.bind(db),
    del: db.del.bind(db),
    batch: db.batch.bind(db),
    createKeyStream: db.createKeyStream.bind(db),
    createValueStream: db.createValueStream.bind(db),
  };
  const written = (callback: ((error?: Error | null) => void) | undefined) => (error?: Error | null) => {
    if (error) failure = levelMessage(error);
    else failure = null;
    callback?.(error ? asServiceError(error) : error);
  };
  const guardStream = (stream: NodeJS.EventEmitter) => {
    stream.prependListener('error', (error: Error) => {
      asServiceError(error);
    });
    return stream;
  };

  db.put = (key, value, callback) => original.put(key, value, written(callback));
  db.del = (key, callback) => original.del(key, written(callback));
  db.batch = (operations, callback) => original.batch(operations, written(callback));
  db.get = (key, callback) =>
    original.get(key, (error, value) => callback?.(error ? asServiceError(error) : error, value));
  db.createKeyStream = (options) => guardStream(original.createKeyStream(options));
  db.createValueStream = (options) => guardStream(original.createValueStream(options));

  const attempt = (write: (done: (error?: Error | null) => void) => void) =>
    new Promise<Error | null>((resolve) => write((error) => resolve(error ?? null)));

  return {
    writeFailure: () => failure,
    async check() {
      if (failure === null) return null;
      if (now() - lastCheckMs < 1_000) return failure;
      lastCheckMs = now();
      const error =
        (await attempt((done) => original.put(PROBE_KEY, now(), done))) ??
        (await attempt((done) => original.del(PROBE_KEY, done)));
      failure = error === null ? null : levelMessage(error);
      return failure;
    },
  };
}
