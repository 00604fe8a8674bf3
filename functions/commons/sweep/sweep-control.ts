import { randomBytes } from 'node:crypto';

/**
 * The port through which `POST /api/sweeps` starts a sweep. Locally it takes the lease and runs the sweep
 * in the same process; deployed, the api Lambda checks the lease with `readActiveLease` and invokes the
 * sweep Lambda asynchronously with a pre-assigned `sweep_id`.
 */
export type SweepStart =
  | { readonly status: 'started'; readonly id: string }
  /** Another sweep holds the lease; `id` is that sweep's. */
  | { readonly status: 'busy'; readonly id: string };

export interface SweepControl {
  start(): Promise<SweepStart>;
}

/** The `{ sweep_id }` the api Lambda sends the sweep Lambda (an EventBridge Scheduler event has none). */
export interface SweepInvocation {
  readonly sweep_id?: string;
}

/** Sortable by start time, unique enough for one account: `20260101T120000Z-1a2b3c4d`. */
export function newSweepId(nowMs: number = Date.now()): string {
  const stamp = new Date(nowMs)
    .toISOString()
    .replace(/\.\d{3}/, '')
    .replace(/[-:]/g, '');
  return `${stamp}-${randomBytes(4).toString('hex')}`;
}

const SWEEP_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A sweep id from outside (the async invoke's payload) is used as a key only when it looks like one. */
export function isSweepId(value: unknown): value is string {
  return typeof value === 'string' && SWEEP_ID.test(value);
}
