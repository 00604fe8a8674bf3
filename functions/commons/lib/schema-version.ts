/**
 * Version of every item shape this code writes (and of the connection's `schema_version` field). A change
 * of any item's shape bumps it and ships with that item's migration in its repository.
 */
export const SCHEMA_VERSION = 3;

/**
 * v2 (this round): connections gained metadata fields (`connected_by`, `daily_sync_time`, `data_delay_*`,
 * `service_version`, `setup_tests`, `pause_after_trial`, `status.schema_status`), `health_reason`,
 * `freshness`, `connection_tests`, `last_action`; `pending` health. Migration: `migrateConnectionItem`.
 */

/**
 * v3: a connection's `status.tasks` and `status.warnings` keep `code` and `message` only, at most 50 each, with
 * `tasks_total` and `warnings_total` beside them. Migration: `migrateConnectionItem` (via `withBoundedNotices`).
 */
