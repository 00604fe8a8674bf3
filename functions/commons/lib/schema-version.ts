/**
 * Version of every item shape this code writes (and of the connection's `schema_version` field). A change
 * of any item's shape bumps it and ships with that item's migration in its repository.
 */
export const SCHEMA_VERSION = 1;
