import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyApiConnection } from '#commons/connection/apply-api';
import {
  boundedNotices,
  MAX_NOTICE_BYTES,
  MAX_NOTICES,
  withBoundedNotices,
} from '#commons/connection/bounded-notices';
import { connectionView, connectionViewSchema } from '#commons/connection/connection';
import type { Connection as ApiConnection } from '#commons/fivetran/schemas';
import { MAX_LABEL_LENGTH, MAX_REASON_LENGTH } from '#commons/lib/text';
import { connectionItem, decodeConnection } from '#commons/store/repositories/connections';
import { itemProblem } from '#commons/store/table/item-size';

const T0 = Date.parse('2026-06-01T12:00:00.000Z');
const observed = { observedAtMs: T0, nowIso: new Date(T0).toISOString() };

/** `depth` levels of nested objects, built without recursion. */
function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { secret: 'sk_live_deep' };
  for (let i = 1; i < depth; i++) value = { level: value };
  return value;
}

function listing(status: Record<string, unknown>, fields: Record<string, unknown> = {}): ApiConnection {
  return {
    id: 'conn_hostile',
    group_id: 'g1',
    service: 'postgres',
    schema: 'pg',
    paused: false,
    status: { setup_state: 'connected', sync_state: 'scheduled', update_state: 'on_schedule', ...status },
    ...fields,
  } as ApiConnection;
}

describe('Function: boundedNotices', () => {
  it('keeps code and message of the first 50 tasks only, and counts them all', () => {
    // Prepare: 600 tasks of 1 KB, each with details holding a secret.
    const tasks = Array.from({ length: 600 }, (_, i) => ({
      code: `task_${i}`,
      message: 'm'.repeat(1024),
      details: { token: 'xoxb-secret-in-details' },
    }));

    // Act
    const bounded = boundedNotices({ tasks, warnings: [{ code: 'w', message: 'careful' }] });

    // Assess
    expect(bounded.tasks).toHaveLength(MAX_NOTICES);
    expect(bounded.tasks_total).toBe(600);
    expect(bounded.tasks[0]).toEqual({ code: 'task_0', message: 'm'.repeat(1024) });
    expect(JSON.stringify(bounded)).not.toContain('xoxb');
    expect(bounded.warnings).toEqual([{ code: 'w', message: 'careful' }]);
    expect(bounded.warnings_total).toBe(1);
  });

  it('bounds any list of any JSON: at most 50 entries and 64 KiB, texts clipped, the total kept', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(fc.jsonValue(), fc.record({ code: fc.string(), message: fc.string({ maxLength: 6000 }) })),
          { maxLength: 120 },
        ),
        (tasks) => {
          // Act
          const bounded = boundedNotices({ tasks });
          // Assess
          expect(bounded.tasks_total).toBe(tasks.length);
          expect(bounded.tasks.length).toBeLessThanOrEqual(Math.min(MAX_NOTICES, tasks.length));
          if (tasks.length > 0) expect(bounded.tasks.length).toBeGreaterThan(0);
          let bytes = 0;
          for (const task of bounded.tasks) {
            expect(Object.keys(task).sort()).toEqual(['code', 'message']);
            expect((task.code ?? '').length).toBeLessThanOrEqual(MAX_LABEL_LENGTH);
            expect((task.message ?? '').length).toBeLessThanOrEqual(MAX_REASON_LENGTH);
            bytes += Buffer.byteLength(task.code ?? '') + Buffer.byteLength(task.message ?? '');
          }
          expect(bytes).toBeLessThanOrEqual(MAX_NOTICE_BYTES);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('Function: applyApiConnection over hostile answers', () => {
  it('clips a 450 KB schema name and every copied state to 1,024 characters', () => {
    // Act
    const connection = applyApiConnection(
      null,
      listing({ sync_state: 's'.repeat(5000) }, { schema: 'x'.repeat(450_000), group_id: 'g'.repeat(600) }),
      observed,
    );

    // Assess
    expect(connection.schema?.length).toBe(MAX_LABEL_LENGTH);
    expect(connection.status.sync_state?.length).toBe(MAX_LABEL_LENGTH);
    expect(connection.group_id).toBeNull();
    expect(itemProblem(connectionItem(connection))).toBeNull();
  });

  it('drops a 40-level `details` (DynamoDB stores 32 levels) and serves what the view schema allows', () => {
    // Act
    const connection = applyApiConnection(
      null,
      listing({ tasks: [{ code: 'reconnect', message: 'Reconnect', details: nested(40) }] }),
      observed,
    );

    // Assess
    expect(connection.status.tasks).toEqual([{ code: 'reconnect', message: 'Reconnect' }]);
    expect(connection.health).toBe('failing');
    expect(connectionViewSchema.safeParse(connectionView(connection)).success).toBe(true);
    expect(itemProblem(connectionItem(connection))).toBeNull();
  });

  it('always gives an item DynamoDB accepts, whatever the answer holds', () => {
    const text = fc.oneof(fc.string(), fc.string({ minLength: 5000, maxLength: 20_000, unit: 'grapheme' }));
    const notice = fc.record({ code: text, message: text, details: fc.anything() }, { requiredKeys: [] });
    fc.assert(
      fc.property(
        fc.record({
          schema: text,
          service: text,
          sync_state: text,
          tasks: fc.array(notice, { maxLength: 200 }),
          warnings: fc.array(notice, { maxLength: 200 }),
        }),
        ({ schema, service, sync_state, tasks, warnings }) => {
          // Act
          const connection = applyApiConnection(
            null,
            listing({ sync_state, tasks, warnings }, { schema, service }),
            observed,
          );
          // Assess
          expect(itemProblem(connectionItem(connection))).toBeNull();
          expect(connection.status.tasks_total).toBe(tasks.length);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('Function: withBoundedNotices (migration of items that kept tasks verbatim)', () => {
  it('reads an old item whole, its tasks bounded, instead of dropping its status', () => {
    // Prepare: a stored item of the former shape: tasks with details, no totals.
    const old = {
      id: 'conn_old',
      status: {
        setup_state: 'connected',
        sync_state: 'scheduled',
        update_state: 'on_schedule',
        is_historical_sync: false,
        rescheduled_for: null,
        tasks: [{ code: 'reconnect', message: 'Reconnect', details: { a: 1 } }],
        warnings: [],
      },
      updated_at: new Date(T0).toISOString(),
    };

    // Act
    const decoded = decodeConnection(old);

    // Assess
    expect(decoded.status).toMatchObject({
      setup_state: 'connected',
      tasks: [{ code: 'reconnect', message: 'Reconnect' }],
      tasks_total: 1,
      warnings_total: 0,
    });
    expect(withBoundedNotices(connectionItem(decoded))).toEqual(connectionItem(decoded));
  });
});
