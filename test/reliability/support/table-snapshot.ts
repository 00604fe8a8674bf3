import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { TableRef } from '#commons/store/table/table-ref';

export type Item = Record<string, unknown>;

/** Every item of the table by `pk|sk` (a scan: tests only), read with a client that has no faults. */
export async function scanTable(table: TableRef): Promise<Map<string, Item>> {
  const items = new Map<string, Item>();
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.client.send(
      new ScanCommand({ TableName: table.tableName, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    for (const item of page.Items ?? []) items.set(`${item.pk as string}|${item.sk as string}`, item);
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return items;
}

/** The items of one kind, keyed by `pk|sk`, without the attributes named in `drop`. */
export function itemsOfKind(
  items: ReadonlyMap<string, Item>,
  sk: string | ((sk: string) => boolean),
  drop: readonly string[] = [],
): Map<string, Item> {
  const matches = typeof sk === 'string' ? (value: string) => value === sk : sk;
  const kept = new Map<string, Item>();
  for (const [key, item] of items) {
    if (!matches(item.sk as string)) continue;
    const copy = { ...item };
    for (const name of drop) delete copy[name];
    kept.set(key, copy);
  }
  return kept;
}

/** A stable, sorted form for equality checks with readable diffs. */
export function sorted(items: ReadonlyMap<string, Item>): [string, Item][] {
  return [...items.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
