import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config/env.ts';

/**
 * LevelDB opens a truncated log without a word: the records past the cut are simply gone (a store closed
 * with 40 connections came back with 30). So a clean close writes down the store's files and their sizes,
 * and the next start compares before opening: a file that is missing or shorter than it was means the
 * directory was damaged while nothing had it open, and the server refuses to start on it with one line
 * saying what to do. After a crash there is no record, and LevelDB's own recovery decides (as before).
 */
export const STORE_FILES_RECORD = 'store-files.json';

/** LevelDB's own bookkeeping that changes without data changing (its info log, the lock). */
const NOT_DATA = new Set(['LOCK', 'LOG', 'LOG.old']);

type FileSizes = Record<string, number>;

function sizesIn(path: string): FileSizes {
  const sizes: FileSizes = {};
  for (const name of readdirSync(path)) {
    if (NOT_DATA.has(name)) continue;
    const stat = statSync(join(path, name));
    if (stat.isFile()) sizes[name] = stat.size;
  }
  return sizes;
}

/** Beside the store's directory (`DATA_DIR/dynamodb.store-files.json`), never inside LevelDB's own. */
const recordPath = (storePath: string) => `${storePath}.${STORE_FILES_RECORD}`;

/** Writes down the store's files after a clean close (best effort: a missing record only skips the check). */
export function recordStoreFiles(storePath: string): void {
  try {
    if (!existsSync(storePath)) return;
    writeFileSync(recordPath(storePath), `${JSON.stringify(sizesIn(storePath))}\n`, { mode: 0o600 });
  } catch {
    // A full or read-only disk at close: the next start simply has nothing to compare with.
  }
}

/**
 * Throws a ConfigError when the store's files differ from the record of its last clean close in a way
 * that loses data (a file gone or shorter); removes the record otherwise, since LevelDB rewrites its files
 * once open and a crash later must not read as damage.
 */
export function checkStoreFiles(storePath: string): void {
  const record = recordPath(storePath);
  if (!existsSync(record)) return;
  let expected: FileSizes;
  try {
    expected = JSON.parse(readFileSync(record, 'utf8')) as FileSizes;
  } catch {
    rmSync(record, { force: true });
    return;
  }
  const found = existsSync(storePath) ? sizesIn(storePath) : {};
  const lost = Object.entries(expected)
    .filter(([name, size]) => typeof size === 'number' && (found[name] ?? -1) < size)
    .map(([name, size]) =>
      found[name] === undefined
        ? `${name} is missing`
        : `${name} is ${found[name].toLocaleString('en-US')} bytes, was ${size.toLocaleString('en-US')}`,
    );
  if (lost.length > 0) {
    throw new ConfigError(
      `the store under ${storePath} changed since it was last closed cleanly (${lost.slice(0, 3).join('; ')}): ` +
        'it looks truncated or damaged, and opening it would silently lose what was cut off. Restore DATA_DIR ' +
        'from a backup, or move it away to start afresh (a sweep rebuilds the connections; events are lost); ' +
        `to open what is left anyway, delete ${record}`,
    );
  }
  rmSync(record, { force: true });
}
