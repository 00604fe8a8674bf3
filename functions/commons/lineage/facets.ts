import packageJson from '../../../package.json' with { type: 'json' };
import type { TableColumn } from '../tables/table-item.ts';
import type { DatasetId } from './dataset-naming.ts';

/**
 * URI naming this product as the producer of every event and facet (the spec asks for a URI: a URN is one,
 * and names no repository we cannot vouch for). The version tells a catalog which release spoke.
 */
export const PRODUCER = `urn:fivetran-metadata:${packageJson.version}`;

/** The spec version the events follow: `reference/openlineage/OpenLineage.json` ($id 2-0-2). */
export const RUN_EVENT_SCHEMA_URL = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';

const FACET_SCHEMA_URLS = {
  jobType: 'https://openlineage.io/spec/facets/2-0-4/JobTypeJobFacet.json#/$defs/JobTypeJobFacet',
  documentation:
    'https://openlineage.io/spec/facets/1-1-0/DocumentationJobFacet.json#/$defs/DocumentationJobFacet',
  errorMessage:
    'https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet',
  schema: 'https://openlineage.io/spec/facets/1-2-0/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet',
  columnLineage:
    'https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet',
  symlinks: 'https://openlineage.io/spec/facets/1-0-1/SymlinksDatasetFacet.json#/$defs/SymlinksDatasetFacet',
} as const;

export type Facet = Readonly<Record<string, unknown>> & {
  readonly _producer: string;
  readonly _schemaURL: string;
};

const base = (kind: keyof typeof FACET_SCHEMA_URLS) => ({
  _producer: PRODUCER,
  _schemaURL: FACET_SCHEMA_URLS[kind],
});

/** A Fivetran sync is a finite batch job emitting START then COMPLETE/FAIL. */
export function jobTypeFacet(): Facet {
  return { ...base('jobType'), processingType: 'BATCH', integration: 'FIVETRAN', jobType: 'SYNC' };
}

export function documentationFacet(description: string): Facet {
  return { ...base('documentation'), description, contentType: 'text/plain' };
}

/** The reason a sync failed. Fivetran does not say which language failed, so the spec's field says so. */
export function errorMessageFacet(message: string): Facet {
  return { ...base('errorMessage'), message, programmingLanguage: 'unknown' };
}

/** The enabled columns by destination name; types are not in Fivetran's configuration. */
export function schemaFacet(columns: readonly TableColumn[]): Facet {
  return {
    ...base('schema'),
    fields: columns.filter((column) => column.enabled).map((column) => ({ name: column.destination_name })),
  };
}

/**
 * Each enabled destination column comes straight from its source column: DIRECT/IDENTITY, or a masking
 * transformation where Fivetran hashes the column.
 */
export function columnLineageFacet(columns: readonly TableColumn[], input: DatasetId): Facet {
  // fromEntries, not assignment: a column named `__proto__` stays a field instead of becoming a prototype.
  const fields = Object.fromEntries(
    columns
      .filter((column) => column.enabled)
      .map((column) => {
        const transformation = column.hashed
          ? { type: 'DIRECT', subtype: 'TRANSFORMATION', description: 'hashed by Fivetran', masking: true }
          : { type: 'DIRECT', subtype: 'IDENTITY', masking: false };
        const inputField = { namespace: input.namespace, name: input.name, field: column.name };
        return [
          column.destination_name,
          { inputFields: [{ ...inputField, transformations: [transformation] }] },
        ];
      }),
  );
  return { ...base('columnLineage'), fields };
}

export function symlinksFacet(aliases: NonNullable<DatasetId['aliases']>): Facet {
  return {
    ...base('symlinks'),
    identifiers: aliases.map((alias) => ({ namespace: alias.namespace, name: alias.name, type: 'TABLE' })),
  };
}
