import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config/env.ts';

export const LOCK_FILE = 'fivetran-metadata.pid';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Only one process may open the embedded database. The lock is a pid file created atomically (`wx`); a
 * lock left by a process that no longer runs is taken over. Returns the release function.
 */
export function lockDataDir(dataDir: string): () => void {
  const path = join(dataDir, LOCK_FILE);
  try {
    mkdirSync(dataDir, { recursive: true });
    return takeLock(dataDir, path);
  } catch (error) {
    throw unwritable(dataDir, error);
  }
}

const UNWRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'ENOTDIR', 'EEXIST', 'EDQUOT']);

/** A DATA_DIR this process cannot write, as one line (never a stack trace). */
function unwritable(dataDir: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (error instanceof ConfigError || code === undefined || !UNWRITABLE.has(code)) return error;
  const why =
    code === 'ENOSPC' || code === 'EDQUOT'
      ? 'the disk is full'
      : code === 'ENOTDIR' || code === 'EEXIST'
        ? 'it (or a parent) is a file, not a directory'
        : 'it is read-only or not ours';
  return new ConfigError(
    `DATA_DIR ${dataDir} is not writable (${code}: ${why}): the local server keeps its store there; fix it, or set DATA_DIR to a writable directory`,
  );
}

function takeLock(dataDir: string, path: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      let released = false;
      return () => {
        if (released) return;
        released = true;
        rmSync(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
      const who = holder === process.pid ? 'this process' : `process ${holder}`;
      throw new ConfigError(
        `DATA_DIR ${dataDir} is already in use by ${who} (a running fivetran-metadata server?); ` +
          `stop it, use its HTTP API, or choose another DATA_DIR (if nothing runs, delete ${path})`,
      );
    }
    rmSync(path, { force: true });
  }
  throw new ConfigError(`could not lock DATA_DIR ${dataDir}`);
}
