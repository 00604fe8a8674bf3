import type { SchemaChangeRecord } from './schema-changes.ts';

/** A connection's configuration changed between two sweeps: the record kept, and whose it is. */
export interface SchemaChangeNotice {
  readonly record: SchemaChangeRecord;
  readonly connection: {
    readonly id: string;
    readonly schema: string | null;
    readonly service: string | null;
    readonly group_id: string | null;
  };
}

/**
 * The port schema changes leave through (like health changes): told once per stored record, after it was
 * stored. A failing notifier is logged, never fails the sweep (the record is already kept).
 */
export interface SchemaChangeNotifier {
  onSchemaChange(notice: SchemaChangeNotice): void | Promise<void>;
}

export const noopSchemaChangeNotifier: SchemaChangeNotifier = { onSchemaChange: () => {} };
