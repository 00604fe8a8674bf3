import * as z from 'zod';

/**
 * `GET /v1/transformations` (`TransformationResponse`, Accept application/json): a transformation's status,
 * its last run, the connections it depends on and the dbt models it writes: connection → model lineage.
 * The OpenAPI file requires `id`, `status`, `type`, `paused`, `schedule`, `created_at`, `created_by_id`; as
 * everywhere, only the identity is relied on (the Terraform provider's mocks carry placeholder values).
 */
export const TRANSFORMATION_STATUSES = [
  'NEW',
  'SCHEDULING',
  'RUNNING',
  'TERMINATING',
  'SUCCEEDED',
  'FAILED',
  'BLOCKED',
  'CANCELED',
  'PARTIALLY_SUCCEEDED',
] as const;
export const TRANSFORMATION_TYPES = ['DBT_CORE', 'QUICKSTART'] as const;
export const TRANSFORMATION_SCHEDULE_TYPES = ['INTEGRATED', 'TIME_OF_DAY', 'INTERVAL', 'CRON'] as const;

const maybeText = z.string().nullish();
const maybeTexts = z.array(z.string()).nullish();

export const transformationScheduleSchema = z.looseObject({
  schedule_type: maybeText,
  /** dbt Core: the connections whose syncs trigger or gate the run. */
  connection_ids: maybeTexts,
  transformation_ids: maybeTexts,
  smart_syncing: z.boolean().nullish(),
  cron: maybeTexts,
  interval: z.number().int().nullish(),
  days_of_week: maybeTexts,
  time_of_day: maybeText,
});

export const transformationSchema = z.looseObject({
  id: z.string(),
  status: maybeText,
  type: maybeText,
  paused: z.boolean().nullish(),
  created_at: maybeText,
  created_by_id: maybeText,
  last_started_at: maybeText,
  last_ended_at: maybeText,
  output_model_names: maybeTexts,
  schedule: transformationScheduleSchema.nullish(),
  transformation_config: z
    .looseObject({
      project_id: maybeText,
      name: maybeText,
      package_name: maybeText,
      /** Quickstart: the connections the package reads. */
      connection_ids: maybeTexts,
      excluded_models: maybeTexts,
      upgrade_available: z.boolean().nullish(),
      steps: z.array(z.looseObject({ name: maybeText, command: maybeText })).nullish(),
    })
    .nullish(),
});

export type Transformation = z.infer<typeof transformationSchema>;

/** Every connection a transformation depends on: the schedule's (dbt Core) and the package's (Quickstart). */
export function transformationConnectionIds(transformation: Transformation): string[] {
  const ids = [
    ...(transformation.schedule?.connection_ids ?? []),
    ...(transformation.transformation_config?.connection_ids ?? []),
  ];
  return [...new Set(ids)];
}
