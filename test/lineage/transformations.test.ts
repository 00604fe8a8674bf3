import { describe, expect, it } from 'vitest';
import { type TransformationHealthInput, transformationHealth } from '#commons/lineage/transformation-health';
import {
  applyTransformationEvent,
  MAX_OUTPUT_MODELS,
  type TransformationSource,
  transformationEventFact,
  transformationFromApi,
  transformationViewSchema,
} from '#commons/lineage/transformation-record';
import { normaliseEvent } from '#commons/webhook/parse-event';

const NOW = Date.parse('2026-05-01T12:00:00.000Z');

/** Shaped like `GET /v1/transformations` items (DBT_CORE and QUICKSTART), values our own. */
const dbtCore: TransformationSource = {
  id: 'tf_marble_owl',
  type: 'DBT_CORE',
  status: 'SUCCEEDED',
  paused: false,
  last_started_at: '2026-05-01T11:00:00.000Z',
  last_ended_at: '2026-05-01T11:04:00.000Z',
  output_model_names: ['stg_orders', 'fct_revenue'],
  schedule: { schedule_type: 'INTEGRATED', connection_ids: ['halting_precinct', 'wobbly_lantern'] },
  transformation_config: { name: 'nightly models' },
};

const quickstart: TransformationSource = {
  id: 'tf_quiet_fern',
  type: 'QUICKSTART',
  status: 'FAILED',
  paused: false,
  last_started_at: '2026-05-01T09:00:00.000Z',
  last_ended_at: '2026-05-01T09:02:00.000Z',
  schedule: { schedule_type: 'INTERVAL' },
  transformation_config: { package_name: 'stripe', connection_ids: ['wobbly_lantern'] },
};

const failedWebhook = (created: string) =>
  normaliseEvent({
    event: 'dbt_run_failed',
    created,
    destination_group_id: 'lunar_harbor',
    data: {
      dbtJobId: 'tf_marble_owl',
      dbtJobName: 'nightly models',
      result: {
        description: 'Steps: successful 0, failed 1',
        stepResults: [
          {
            step: { name: 'run models', command: 'dbt run' },
            success: false,
            commandResult: { exitCode: 1, error: 'relation "raw.orders" does not exist' },
          },
        ],
      },
    },
  });

describe('transformations and their health', () => {
  it('maps API items to rows: triggering connections, output models, health', () => {
    // Act
    const healthy = transformationFromApi(dbtCore, null, NOW);
    const failing = transformationFromApi(quickstart, null, NOW);

    // Assess
    expect(transformationViewSchema.parse(healthy)).toMatchObject({
      id: 'tf_marble_owl',
      name: 'nightly models',
      status: 'SUCCEEDED',
      connection_ids: ['halting_precinct', 'wobbly_lantern'],
      output_model_names: ['stg_orders', 'fct_revenue'],
      health: 'healthy',
      health_reason: null,
    });
    expect(failing).toMatchObject({
      name: 'stripe',
      connection_ids: ['wobbly_lantern'],
      health: 'failing',
      health_reason: { code: 'transformation_failed', since: '2026-05-01T09:02:00.000Z' },
    });
  });

  it('turns a failed dbt run webhook into a failing verdict with the failed step as the reason', () => {
    // Prepare
    const fact = transformationEventFact(
      failedWebhook('2026-05-01T11:30:00.000Z'),
      '2026-05-01T11:30:01.000Z',
    );
    if (!fact) throw new Error('a transformation event');

    // Act
    const row = applyTransformationEvent(transformationFromApi(dbtCore, null, NOW), fact, NOW);

    // Assess
    expect(row).toMatchObject({
      status: 'FAILED',
      last_ended_at: '2026-05-01T11:30:00.000Z',
      health: 'failing',
      health_reason: {
        code: 'transformation_failed',
        message: 'run models failed: relation "raw.orders" does not exist',
        since: '2026-05-01T11:30:00.000Z',
      },
    });
  });

  it('ignores an older or repeated webhook, and the API does not undo a newer webhook fact', () => {
    // Prepare
    const failed = transformationEventFact(
      failedWebhook('2026-05-01T11:30:00.000Z'),
      '2026-05-01T11:30:00.000Z',
    );
    const older = transformationEventFact(
      normaliseEvent({
        event: 'dbt_run_succeeded',
        created: '2026-05-01T11:20:00.000Z',
        data: { dbtJobId: 'tf_marble_owl' },
      }),
      '2026-05-01T11:20:00.000Z',
    );
    if (!failed || !older) throw new Error('transformation events');
    const afterFailure = applyTransformationEvent(transformationFromApi(dbtCore, null, NOW), failed, NOW);

    // Act
    const replayed = applyTransformationEvent(afterFailure, failed, NOW);
    const stale = applyTransformationEvent(afterFailure, older, NOW);
    const swept = transformationFromApi(dbtCore, afterFailure, NOW);

    // Assess
    expect(replayed).toEqual(afterFailure);
    expect(stale).toEqual(afterFailure);
    expect(swept).toMatchObject({ status: 'FAILED', health: 'failing' });
  });

  it('keeps a failure while the next run is going, and the first failure’s since while it keeps failing', () => {
    // Prepare
    const failing = transformationHealth(
      {
        status: 'FAILED',
        paused: false,
        last_started_at: null,
        last_ended_at: '2026-05-01T08:00:00.000Z',
        last_failure_reason: 'x',
      },
      null,
      NOW,
    );

    // Act
    const running = transformationHealth(
      {
        status: 'RUNNING',
        paused: false,
        last_started_at: '2026-05-01T11:59:00.000Z',
        last_ended_at: null,
        last_failure_reason: null,
      },
      failing,
      NOW,
    );
    const failedAgain = transformationHealth(
      {
        status: 'FAILED',
        paused: false,
        last_started_at: null,
        last_ended_at: '2026-05-01T11:00:00.000Z',
        last_failure_reason: 'y',
      },
      failing,
      NOW,
    );

    // Assess
    expect(running).toEqual(failing);
    expect(failedAgain.health_reason).toEqual({
      code: 'transformation_failed',
      message: 'y',
      since: '2026-05-01T08:00:00.000Z',
    });
  });

  it.each([
    [{ paused: true, status: 'FAILED' }, 'paused', 'paused'],
    [{ status: 'PARTIALLY_SUCCEEDED' }, 'failing', 'partially_succeeded'],
    [{ status: 'NEW' }, 'pending', 'never_run'],
    [{ status: 'BLOCKED' }, 'delayed', 'blocked'],
    [{ status: 'RUNNING', last_started_at: '2026-05-01T05:00:00.000Z' }, 'delayed', 'running_long'],
    [{ status: 'RUNNING', last_started_at: '2026-05-01T11:00:00.000Z' }, 'healthy', null],
    [{ status: 'CANCELED', last_ended_at: '2026-05-01T11:00:00.000Z' }, 'healthy', null],
    [{ status: 'SOMETHING_NEW', last_ended_at: '2026-05-01T11:00:00.000Z' }, 'healthy', null],
  ])('judges %o as %s (%s)', (fields, health, code) => {
    // Prepare
    const base: TransformationHealthInput = {
      status: null,
      paused: false,
      last_started_at: null,
      last_ended_at: null,
      last_failure_reason: null,
    };
    const input = {
      ...base,
      ...fields,
    };

    // Act
    const verdict = transformationHealth(input, null, NOW);

    // Assess
    expect(verdict.health).toBe(health);
    expect(verdict.health_reason?.code ?? null).toBe(code);
  });

  it('bounds hostile lists and ids, and reads nothing from an event that names no transformation', () => {
    // Prepare
    const many = Array.from({ length: 2_000 }, (_, i) => `model_${i}`);
    const hostile = { ...dbtCore, id: 'i'.repeat(5_000), output_model_names: [...many, ...many] };

    // Act
    const row = transformationFromApi(hostile, null, NOW);
    const anonymous = transformationEventFact(
      normaliseEvent({ event: 'transformation_failed', data: {} }),
      '2026-05-01T11:00:00.000Z',
    );

    // Assess
    expect(row.id).toHaveLength(1_024);
    expect(row.output_model_names).toHaveLength(MAX_OUTPUT_MODELS);
    expect(row.output_models_omitted).toBe(2_000 - MAX_OUTPUT_MODELS);
    expect(() => transformationViewSchema.parse(row)).not.toThrow();
    expect(anonymous).toBeNull();
  });
});
