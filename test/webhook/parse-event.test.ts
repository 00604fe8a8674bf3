import { describe, expect, it } from 'vitest';
import { eventIdentity } from '#commons/webhook/event-identity';
import { isCreationProbe, isDummyEvent, parseEvent } from '#commons/webhook/parse-event';
import {
  creationProbe,
  dbtRunFailed,
  syncEndFailureWithTask,
  syncEndSalesforce,
  syncEndSuccessful,
  syncStartConnectionNames,
  webhookTestSyncEnd,
} from '../fixtures/webhook-payloads.ts';

const bytes = (text: string) => Buffer.from(text);

function parsed(text: string) {
  const outcome = parseEvent(bytes(text));
  if (!outcome.ok) throw new Error(`expected an event, got: ${outcome.reason}`);
  return outcome.event;
}

describe('Function: parseEvent', () => {
  it('reads the live-captured successful sync_end', () => {
    // Act
    const event = parsed(syncEndSuccessful);
    // Assess
    expect(event).toMatchObject({
      event: 'sync_end',
      created: '2026-05-22T00:06:08.638Z',
      createdAtMs: Date.UTC(2026, 4, 22, 0, 6, 8, 638),
      connectionId: 'assimilate_seem',
      connectionName: 'ftar_pg',
      service: 'google_cloud_postgresql',
      groupId: 'inappropriate_implode',
      syncId: 'b4703f73-6315-4e22-8d7a-3bfb18b2fed2',
      data: { status: 'SUCCESSFUL' },
    });
    expect(isDummyEvent(event)).toBe(false);
  });

  it('reads the documented Salesforce sync_end', () => {
    // Act
    const event = parsed(syncEndSalesforce);
    // Assess
    expect(event.connectionName).toBe('Salesforce Production');
    expect(event.groupId).toBe('deck_enjoy');
  });

  it('keeps the failure reason and task type of FAILURE_WITH_TASK', () => {
    // Act
    const event = parsed(syncEndFailureWithTask);
    // Assess
    expect(event.data).toMatchObject({ status: 'FAILURE_WITH_TASK', taskType: 'reconnect_warehouse' });
    expect(String(event.data.reason)).toContain('innodb_buffer_pool_size');
  });

  it('reads the creation probe: legacy group_id, no sync_id, no data', () => {
    // Act
    const event = parsed(creationProbe);
    // Assess
    expect(event).toMatchObject({
      event: 'test_event',
      connectionId: '_connector_1',
      groupId: '_destination_1',
    });
    expect(event.syncId).toBeNull();
    expect(event.data).toEqual({});
    expect(isDummyEvent(event)).toBe(true);
  });

  it('reads the webhook test endpoint payload as a dummy event', () => {
    // Act
    const event = parsed(webhookTestSyncEnd);
    // Assess
    expect(event.event).toBe('sync_end');
    expect(isDummyEvent(event)).toBe(true);
  });

  it('reads an account-level dbt_run_failed with no connector fields, keeping nested data', () => {
    // Act
    const event = parsed(dbtRunFailed);
    // Assess
    expect(event.connectionId).toBeNull();
    expect(event.service).toBeNull();
    expect(event.groupId).toBe('deck_enjoy');
    expect(event.data).toMatchObject({
      dbtJobName: 'at8_30',
      result: { description: 'Steps: successful 0, failed 1' },
    });
  });

  it('reads the connection_* spelling', () => {
    // Act
    const event = parsed(syncStartConnectionNames);
    // Assess
    expect(event.connectionId).toBe('mystified_presiding');
    expect(event.connectionName).toBe('Salesforce Production');
  });

  it('accepts unknown event names and keeps unknown keys', () => {
    // Act
    const event = parsed(
      '{"event":"brand_new_event","created":"2026-01-01T00:00:00Z","extra":{"a":1},"data":{"x":true}}',
    );
    // Assess
    expect(event.event).toBe('brand_new_event');
    expect(event.payload).toMatchObject({ extra: { a: 1 } });
    expect(event.data).toEqual({ x: true });
  });

  it('keeps an own __proto__ key as content, so it is part of the identity', () => {
    // Act
    const event = parsed('{"event":"sync_end","__proto__":{"x":1}}');
    // Assess
    expect(Object.keys(event.payload)).toContain('__proto__');
    expect(eventIdentity(event.payload)).not.toBe(eventIdentity({ event: 'sync_end' }));
  });

  it('reads a body nested exactly 30 levels deep', () => {
    // Act
    // (the body is level 1, `data` level 2, each further object one more)
    const event = parsed(`{"event":"e","data":${'{"a":'.repeat(29)}1${'}'.repeat(29)}}`);
    // Assess
    expect(event.event).toBe('e');
  });

  it('keeps an unreadable created as null instant rather than failing', () => {
    // Act
    const event = parsed('{"event":"sync_end","created":"yesterday"}');
    // Assess
    expect(event.created).toBe('yesterday');
    expect(event.createdAtMs).toBeNull();
  });

  it.each([
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0x7d]), 'UTF-8'],
    ['not JSON', bytes('event=sync_end'), 'not valid JSON'],
    ['a JSON array', bytes('[{"event":"sync_end"}]'), 'not a JSON object'],
    ['JSON null', bytes('null'), 'not a JSON object'],
    ['no event', bytes('{"created":"2026-01-01T00:00:00Z"}'), 'event'],
    ['an empty event', bytes('{"event":""}'), 'event'],
    ['a non-string event', bytes('{"event":42}'), 'event'],
    ['data that is not an object', bytes('{"event":"sync_end","data":"x"}'), 'data'],
    [
      'a body nested 31 levels deep',
      bytes(`{"event":"e","data":${'{"a":'.repeat(30)}1${'}'.repeat(30)}}`),
      'nested deeper than 30',
    ],
  ])('says why %s is not an event we can read', (_name, body, reasonPart) => {
    // Act
    const outcome = parseEvent(body);
    // Assess
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.reason).toContain(reasonPart);
  });
});

describe('Function: isCreationProbe', () => {
  it('recognises the exact probe shape', () => {
    // Act & Assess
    expect(isCreationProbe(bytes(creationProbe))).toBe(true);
  });

  it.each([
    ['another connector id', creationProbe.replace('_connector_1', 'real_conn')],
    ['another event', creationProbe.replace('test_event', 'sync_end')],
    ['extra data', creationProbe.replace('}', ',"data":{"status":"SUCCESSFUL"}}')],
    ['a sync id', creationProbe.replace('}', ',"sync_id":"x"}')],
    ['not JSON', 'test_event _connector_1'],
  ])('does not treat a body with %s as the probe', (_name, text) => {
    // Act & Assess
    expect(isCreationProbe(bytes(text))).toBe(false);
  });
});
