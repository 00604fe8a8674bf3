import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '#commons/config/env';
import { LOCK_FILE, lockDataDir } from '#commons/local-store/data-dir-lock';
import { tempDataDir } from './server-fixture.ts';

describe('Function: lockDataDir', () => {
  it('holds the data directory until released, refusing a second holder', () => {
    // Prepare
    const data = tempDataDir();

    // Act
    const release = lockDataDir(data.dir);
    const second = () => lockDataDir(data.dir);
    const heldBy = readFileSync(join(data.dir, LOCK_FILE), 'utf8');

    // Assess
    expect(second).toThrow(ConfigError);
    expect(heldBy).toBe(String(process.pid));
    release();
    expect(existsSync(join(data.dir, LOCK_FILE))).toBe(false);
    lockDataDir(data.dir)();
    data.remove();
  });

  it('takes over a lock left by a process that no longer runs', () => {
    // Prepare: the pid of a process that has exited.
    const data = tempDataDir();
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(join(data.dir, LOCK_FILE), String(gone));

    // Act
    const release = lockDataDir(data.dir);

    // Assess
    expect(readFileSync(join(data.dir, LOCK_FILE), 'utf8')).toBe(String(process.pid));
    release();
    data.remove();
  });
});
