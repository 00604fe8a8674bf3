/** Shared by every Lambda's logger, metrics and tracer. */
export const SERVICE_NAME = 'fivetran-metadata';
export const METRICS_NAMESPACE = 'FivetranMetadata';
