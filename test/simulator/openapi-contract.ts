import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The part of Fivetran's OpenAPI definition the simulator must honour: for each response schema the product
 * reads, its required properties, enum values, and which properties hold other schemas (objects, arrays of
 * them, or maps keyed by name as schema configs are). Extracted from the reference file by `contractFrom`
 * and vendored as `test/fixtures/fivetran/openapi-contract.json`, so the tests need no file outside the repo.
 */
export interface SchemaContract {
  readonly required: readonly string[];
  readonly enums: Readonly<Record<string, readonly string[]>>;
  readonly objects: Readonly<Record<string, string>>;
  readonly arrays: Readonly<Record<string, string>>;
  readonly maps: Readonly<Record<string, string>>;
}

export type Contract = Readonly<Record<string, SchemaContract>>;

/** The response schemas behind the endpoints the product reads. */
export const CONTRACT_ROOTS = [
  'AccountInfoResponse',
  'GroupResponse',
  'DestinationResponse',
  'DestinationExtendedResponse',
  'ConnectorResponse',
  'StandardConfigResponse',
  'WebhookResponse',
  'TransformationResponse',
] as const;

export const CONTRACT_FILE = join(import.meta.dirname, '../fixtures/fivetran/openapi-contract.json');

type Json = Record<string, unknown>;

const refName = (value: unknown): string | null => {
  const ref = (value as { $ref?: unknown } | undefined)?.$ref;
  return typeof ref === 'string' ? (ref.split('/').at(-1) ?? null) : null;
};

/** Builds the contract from a parsed OpenAPI document (see the module comment). */
export function contractFrom(openapi: Json): Contract {
  const schemas = (openapi.components as Json).schemas as Record<string, Json>;
  const contract: Record<string, SchemaContract> = {};
  const visit = (name: string): void => {
    if (name in contract) return;
    const schema = schemas[name];
    if (!schema) return;
    const entry = {
      required: [...((schema.required as string[]) ?? [])].sort(),
      enums: {},
      objects: {},
      arrays: {},
      maps: {},
    };
    const enums: Record<string, string[]> = entry.enums;
    const objects: Record<string, string> = entry.objects;
    const arrays: Record<string, string> = entry.arrays;
    const maps: Record<string, string> = entry.maps;
    contract[name] = entry;
    for (const [prop, raw] of Object.entries((schema.properties as Record<string, Json>) ?? {})) {
      if (Array.isArray(raw.enum)) enums[prop] = [...(raw.enum as string[])];
      const direct = refName(raw) ?? refName((raw.allOf as unknown[] | undefined)?.[0]);
      const item = raw.type === 'array' ? refName(raw.items) : null;
      const inner = Object.values((raw.properties as Record<string, unknown>) ?? {});
      // Schema configs model "a map keyed by name" as an object with one example property.
      const mapped = raw.type === 'object' && raw.title && inner.length === 1 ? refName(inner[0]) : null;
      for (const [target, ref] of [
        [objects, direct],
        [arrays, item],
        [maps, mapped],
      ] as const) {
        if (ref === null) continue;
        target[prop] = ref;
        visit(ref);
      }
    }
  };
  for (const root of CONTRACT_ROOTS) visit(root);
  return Object.fromEntries(Object.entries(contract).sort(([a], [b]) => a.localeCompare(b)));
}

export function loadContract(): Contract {
  return JSON.parse(readFileSync(CONTRACT_FILE, 'utf8')) as Contract;
}

export interface CheckOptions {
  /** `Schema.property` names whose enum is compared case-insensitively (Fivetran varies their case). */
  readonly caseInsensitive?: readonly string[];
  /** Required properties allowed to be absent here (e.g. what a deliberately minimal answer omits). */
  readonly optional?: readonly string[];
}

/** Every way `value` breaks the contract of `schema`, as `path: problem`; empty when it conforms. */
export function violations(
  contract: Contract,
  schema: string,
  value: unknown,
  options: CheckOptions = {},
): string[] {
  const problems: string[] = [];
  const check = (name: string, node: unknown, path: string): void => {
    const spec = contract[name];
    if (!spec) return;
    if (node === null || typeof node !== 'object' || Array.isArray(node)) {
      problems.push(`${path}: not an object`);
      return;
    }
    const object = node as Json;
    for (const prop of spec.required) {
      if (
        (object[prop] === undefined || object[prop] === null) &&
        !options.optional?.includes(`${name}.${prop}`)
      ) {
        problems.push(`${path}.${prop}: required`);
      }
    }
    for (const [prop, allowed] of Object.entries(spec.enums)) {
      const actual = object[prop];
      if (actual === undefined || actual === null) continue;
      const loose = options.caseInsensitive?.includes(`${name}.${prop}`);
      const ok = loose
        ? allowed.some((a) => a.toLowerCase() === String(actual).toLowerCase())
        : allowed.includes(actual as string);
      if (!ok) problems.push(`${path}.${prop}: ${JSON.stringify(actual)} not in ${allowed.join('|')}`);
    }
    for (const [prop, ref] of Object.entries(spec.objects)) {
      if (object[prop] !== undefined && object[prop] !== null) check(ref, object[prop], `${path}.${prop}`);
    }
    for (const [prop, ref] of Object.entries(spec.arrays)) {
      const items = object[prop];
      if (!Array.isArray(items)) continue;
      for (const [i, item] of items.entries()) check(ref, item, `${path}.${prop}.${i}`);
    }
    for (const [prop, ref] of Object.entries(spec.maps)) {
      const map = object[prop];
      if (map && typeof map === 'object') {
        for (const [key, item] of Object.entries(map as Json)) check(ref, item, `${path}.${prop}.${key}`);
      }
    }
  };
  check(schema, value, schema);
  return problems;
}
