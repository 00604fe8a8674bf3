import * as z from 'zod';
import { apiSchemas } from './response-schemas.ts';
import { ROUTE_SPECS, type RouteSpec } from './route-specs.ts';

const COMPONENT = '#/components/schemas/';

type JsonSchema = Record<string, unknown>;

/** The registered response shapes; draft 2020-12 is the dialect OpenAPI 3.1 uses. */
function componentSchemas(): Record<string, JsonSchema> {
  const generated = z.toJSONSchema(apiSchemas, {
    uri: (id) => `${COMPONENT}${id}`,
    io: 'output',
    override: ({ jsonSchema }) => {
      // zod bounds every integer by the safe-integer range; that is noise in a document.
      if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
      if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
    },
  });
  const schemas: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(generated.schemas)) {
    const { $schema: _dialect, $id: _id, ...rest } = schema as JsonSchema;
    schemas[id] = rest;
  }
  return schemas;
}

function queryParameters(query: z.ZodObject | undefined): JsonSchema[] {
  if (!query) return [];
  const schema = z.toJSONSchema(query, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: 'query',
      required: schema.required?.includes(name) ?? false,
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

function pathParameters(path: string): JsonSchema[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
}

function operation(spec: RouteSpec): JsonSchema {
  const responses: Record<string, JsonSchema> = {};
  for (const [status, response] of Object.entries(spec.responses)) {
    const id = response.schema ? apiSchemas.get(response.schema)?.id : undefined;
    const contentType = response.contentType ?? 'application/json';
    const schema = id ? { $ref: `${COMPONENT}${id}` } : response.schema ? {} : { type: 'string' };
    responses[status] = { description: response.description, content: { [contentType]: { schema } } };
  }
  if (spec.access === 'api') {
    responses['401'] ??= {
      description: 'Local server with API_TOKEN: missing or wrong bearer token',
      content: { 'application/json': { schema: { $ref: `${COMPONENT}Error` } } },
    };
  }
  if (spec.access !== 'public') {
    responses['421'] ??= {
      description: 'Local server and `serve`: the Host header names another server (see ALLOWED_HOSTS)',
      content: { 'application/json': { schema: { $ref: `${COMPONENT}Error` } } },
    };
  }
  if (spec.method === 'POST' && spec.access !== 'public') {
    responses['403'] ??= {
      description:
        'Local server: a cross-site request (Sec-Fetch-Site or a foreign Origin) may not change state',
      content: { 'application/json': { schema: { $ref: `${COMPONENT}Error` } } },
    };
  }
  const parameters = [...pathParameters(spec.path), ...queryParameters(spec.query)];
  return {
    operationId: spec.operationId,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(spec.method === 'POST' && spec.access === 'public'
      ? {
          requestBody: {
            required: true,
            description: 'The event exactly as Fivetran sends it; the signature covers these bytes',
            content: { 'application/json': { schema: { type: 'object' } } },
          },
        }
      : {}),
    responses,
    security: spec.access === 'api' ? [{ bearerToken: [] }, { awsSigV4: [] }] : [],
  };
}

let cached: JsonSchema | undefined;

/** The OpenAPI 3.1 document: every route of `ROUTE_SPECS`, every response shape from its zod schema. */
export function openApiDocument(): JsonSchema {
  if (cached) return cached;
  const schemas = componentSchemas();
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const spec of ROUTE_SPECS) {
    paths[spec.path] ??= {};
    (paths[spec.path] as Record<string, JsonSchema>)[spec.method.toLowerCase()] = operation(spec);
  }
  cached = {
    openapi: '3.1.0',
    info: {
      title: 'fivetran-metadata',
      version: '1',
      description:
        'An always-current picture of a Fivetran account. Lists are `{ items, next_cursor }` (limit default 100, ' +
        'at most 1000; the cursor is opaque and bound to its filters). Errors are `{ message }`.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearerToken: { type: 'http', scheme: 'bearer', description: 'Local server with API_TOKEN set' },
        awsSigV4: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description: 'Deployed: API Gateway IAM authorization (SigV4-signed requests)',
        },
      },
    },
  };
  return cached;
}
