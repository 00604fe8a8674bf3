import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';

/** The OpenLineage 2-0-2 schema and facets, copied from shared/reference/openlineage (a public spec). */
export const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/openlineage/', import.meta.url));

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

// ajv-formats is not a dependency: the three formats the spec uses, checked as the RFCs define them.
const FORMATS = {
  'date-time': (value: string) =>
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(value) &&
    !Number.isNaN(Date.parse(value)),
  // RFC 3986 absolute URI: a scheme, a colon, no whitespace.
  uri: (value: string) => /^[a-z][a-z0-9+.-]*:[^\s]*$/i.test(value),
  uuid: (value: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value),
};

function build() {
  // Strict, except for the spec's own `not: { required: [...] }`, which names properties defined elsewhere.
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
  ajv.addKeyword('example');
  for (const [name, check] of Object.entries(FORMATS)) ajv.addFormat(name, check);
  const core = readJson(join(FIXTURE_DIR, 'OpenLineage.json'));
  ajv.addSchema(core);
  /** Facet key (e.g. `schema`) → validator of its file, and the file's $id its `_schemaURL` must name. */
  const facets = new Map<string, { validate: ValidateFunction; id: string }>();
  for (const file of readdirSync(join(FIXTURE_DIR, 'facets'))) {
    const schema = readJson(join(FIXTURE_DIR, 'facets', file));
    ajv.addSchema(schema);
    const id = schema.$id as string;
    const validate = ajv.getSchema(id) as ValidateFunction;
    for (const key of Object.keys(schema.properties as object)) facets.set(key, { validate, id });
  }
  const validateEvent = ajv.getSchema(core.$id as string) as ValidateFunction;
  return { validateEvent, facets, ajv };
}

const { validateEvent, facets, ajv } = build();

function facetErrors(where: string, container: unknown): string[] {
  if (container === undefined) return [];
  const errors: string[] = [];
  for (const [key, facet] of Object.entries(container as Record<string, { _schemaURL?: string }>)) {
    const known = facets.get(key);
    if (!known) {
      errors.push(`${where}.${key}: not a facet in the reference set`);
      continue;
    }
    if (!known.validate({ [key]: facet }))
      errors.push(`${where}.${key}: ${ajv.errorsText(known.validate.errors)}`);
    if (!facet._schemaURL?.startsWith(`${known.id}#`))
      errors.push(`${where}.${key}: _schemaURL does not name ${known.id}`);
  }
  return errors;
}

/**
 * Every way an event breaks the spec: the core RunEvent schema, then each facet against its own schema
 * (the core schema checks facets only as BaseFacet). Empty when valid.
 */
export function openLineageErrors(event: unknown): string[] {
  const errors: string[] = [];
  if (!validateEvent(event)) errors.push(ajv.errorsText(validateEvent.errors));
  const e = event as {
    run?: { facets?: unknown };
    job?: { facets?: unknown };
    inputs?: { facets?: unknown; inputFacets?: unknown }[];
    outputs?: { facets?: unknown; outputFacets?: unknown }[];
  };
  errors.push(...facetErrors('run.facets', e.run?.facets), ...facetErrors('job.facets', e.job?.facets));
  for (const [i, input] of (e.inputs ?? []).entries()) {
    errors.push(
      ...facetErrors(`inputs[${i}].facets`, input.facets),
      ...facetErrors(`inputs[${i}].inputFacets`, input.inputFacets),
    );
  }
  for (const [i, output] of (e.outputs ?? []).entries()) {
    errors.push(
      ...facetErrors(`outputs[${i}].facets`, output.facets),
      ...facetErrors(`outputs[${i}].outputFacets`, output.outputFacets),
    );
  }
  return errors;
}
