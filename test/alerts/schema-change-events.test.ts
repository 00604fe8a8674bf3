import type { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import {
  eventBridgeSchemaChangeNotifier,
  loggingSchemaChangeNotifier,
  MAX_EVENT_CHANGES,
  SCHEMA_CHANGE_DETAIL_TYPE,
} from '#commons/alerts/schema-change-events';
import type { SchemaChangeNotice } from '#commons/tables/schema-change-notifier';

/** A hostile configuration: 500 changes with 1,024-character names, and a name with control characters. */
function notice(): SchemaChangeNotice {
  const long = 'x'.repeat(1_024);
  return {
    record: {
      connection_id: 'wobbly_lantern',
      sweep_id: 'sweep_1',
      seen_at: '2026-06-01T12:00:00.000Z',
      changes: Array.from({ length: 500 }, (_, i) => ({
        kind: i % 2 === 0 ? ('table_disabled' as const) : ('column_appeared' as const),
        schema: long,
        table: `${long.slice(0, 1_000)}${i}`,
        ...(i % 2 === 1 ? { column: long } : {}),
        before: true,
        after: false,
      })),
      changes_omitted: 7,
    },
    connection: { id: 'wobbly_lantern', schema: 'stripe\u001b[31m\nfake', service: 'stripe', group_id: 'g' },
  };
}

describe('the Schema Changed event', () => {
  it('puts one bounded entry on the default bus: counts by kind, the first changes, the total', async () => {
    // Prepare
    const sent: PutEventsCommand[] = [];
    const client = {
      send: async (command: PutEventsCommand) => {
        sent.push(command);
        return { FailedEntryCount: 0 };
      },
    };

    // Act
    await eventBridgeSchemaChangeNotifier(client as never).onSchemaChange(notice());

    // Assess
    const entry = sent[0]?.input.Entries?.[0];
    const detail = JSON.parse(entry?.Detail ?? '{}');
    expect(entry).toMatchObject({
      EventBusName: 'default',
      Source: 'fivetran-metadata',
      DetailType: SCHEMA_CHANGE_DETAIL_TYPE,
    });
    expect(Buffer.byteLength(entry?.Detail ?? '')).toBeLessThan(200_000);
    expect(detail.counts).toEqual({ table_disabled: 250, column_appeared: 250 });
    expect(detail.changes).toHaveLength(MAX_EVENT_CHANGES);
    expect(detail.changes_total).toBe(507);
  });

  it('fails when EventBridge rejects the entry (the sweep logs it and goes on)', async () => {
    // Prepare
    const client = {
      send: async () => ({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException' }] }),
    };

    // Act / Assess
    await expect(eventBridgeSchemaChangeNotifier(client as never).onSchemaChange(notice())).rejects.toThrow(
      /ThrottlingException/,
    );
  });

  it('logs one line locally, without the control characters Fivetran text may carry', () => {
    // Prepare
    const lines: string[] = [];

    // Act
    loggingSchemaChangeNotifier((line) => lines.push(line)).onSchemaChange(notice());

    // Assess
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^schema changed: wobbly_lantern \(stripe .*\): 507 changes \(250 table_disabled, 250 column_appeared\)$/,
    );
    expect([...(lines[0] ?? '')].some((char) => (char.codePointAt(0) ?? 0) < 0x20)).toBe(false);
  });
});
