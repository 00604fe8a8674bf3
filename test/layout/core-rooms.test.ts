import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The core's rooms and what each may import (docs/architecture.md, "The rooms and what each may import").
 * A room not listed may import nothing of another room. Imports are read from the source text: static,
 * type-only, re-exports and dynamic `import()` alike, since each couples one room to another.
 */
const CORE = resolve(import.meta.dirname, '../../functions/commons');

const MAY_IMPORT: Record<string, readonly string[]> = {
  deployed: ['*'],
  http: [
    'read',
    'sweep',
    'alerts',
    'lineage',
    'ingest',
    'webhook',
    'webhook-secret',
    'fivetran',
    'store',
    'tables',
    'connection',
    'config',
    'observability',
    'aws',
    'lib',
  ],
  sweep: [
    'lineage',
    'ingest',
    'webhook',
    'fivetran',
    'store',
    'tables',
    'connection',
    'config',
    'observability',
    'lib',
  ],
  read: ['store', 'connection', 'lib'],
  alerts: ['lineage', 'ingest', 'store', 'connection', 'tables', 'fivetran', 'config', 'lib'],
  lineage: ['ingest', 'store', 'connection', 'tables', 'fivetran', 'webhook', 'config', 'lib'],
  ingest: ['store', 'connection', 'webhook', 'lib'],
  webhook: ['webhook-secret', 'lib'],
  'webhook-secret': ['fivetran', 'config'],
  fivetran: ['config', 'lib'],
  store: ['connection', 'tables', 'lib'],
  tables: ['fivetran', 'lib'],
  connection: ['fivetran', 'webhook', 'lib'],
  'local-store': ['store', 'config'],
};

/**
 * Single files another room may import although their room is not below it: shapes only, each a leaf
 * towards the importer. `store` keeps the items of the rooms above it, `connection` reads the event type; the test below proves none of these reaches back into the importer's room.
 */
const SHAPE_FILES: Record<string, readonly string[]> = {
  store: ['lineage/outbox.ts', 'lineage/transformation-record.ts', 'webhook/parse-event.ts'],
  connection: ['webhook/parse-event.ts'],
};

const IMPORT =
  /(?:^|[\s;])(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

interface Edge {
  readonly from: string;
  readonly to: string;
}

/** Every relative import of a core file, as paths relative to the core. */
function edgesOf(file: string): Edge[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)]
    .map((match) => match[1] ?? match[2] ?? '')
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => ({
      from: relative(CORE, file),
      to: relative(CORE, resolve(dirname(file), specifier)),
    }));
}

const roomOf = (path: string) => path.split('/')[0] ?? '';
const edges = sourceFiles(CORE).flatMap(edgesOf);

describe('the core’s rooms', () => {
  it('finds the imports it checks', () => {
    // Assess: the reader sees a known edge of each kind, so an empty result below means something.
    expect(edges).toContainEqual({ from: 'read/sweeps.ts', to: 'store/repositories/abandoned-sweep.ts' });
    expect(edges.length).toBeGreaterThan(500);
  });

  it('imports nothing outside functions/commons but the package version', () => {
    // Act
    const outside = edges.filter((edge) => edge.to.startsWith('..') && !edge.to.endsWith('package.json'));

    // Assess
    expect(outside).toEqual([]);
  });

  it('points every import between rooms the way the layout allows', () => {
    // Act
    const wrong = edges
      .filter((edge) => !edge.to.startsWith('..'))
      .filter((edge) => {
        const [from, to] = [roomOf(edge.from), roomOf(edge.to)];
        if (from === to) return false;
        const allowed = MAY_IMPORT[from] ?? [];
        return !(allowed.includes('*') || allowed.includes(to) || SHAPE_FILES[from]?.includes(edge.to));
      })
      .map((edge) => `${edge.from} → ${edge.to}`);

    // Assess
    expect(wrong).toEqual([]);
  });

  it('keeps the shape files leaves towards the rooms that borrow them', () => {
    // Act: what each borrowed file imports, one level; a borrowed file importing its borrower is a cycle.
    const cycles = Object.entries(SHAPE_FILES).flatMap(([borrower, files]) =>
      edges
        .filter((edge) => files.includes(edge.from) && roomOf(edge.to) === borrower)
        .map((edge) => `${edge.from} → ${edge.to}`),
    );

    // Assess
    expect(cycles).toEqual([]);
  });
});
