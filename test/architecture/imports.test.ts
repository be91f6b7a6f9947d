// The layout's rules, checked on the import graph of src/: three layers with imports in one
// direction (library ← reproductions ← CLI), and no import circles anywhere.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';

const root = resolve(import.meta.dirname, '../..');
const src = join(root, 'src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Each file's relative imports (static, re-exports and dynamic), as paths under src/. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const f of files(src)) {
    const text = readFileSync(f, 'utf8');
    const targets = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+\.ts)'/g)].map((m) =>
      relative(src, resolve(dirname(f), m[1])),
    );
    graph.set(relative(src, f), [...new Set(targets)]);
  }
  return graph;
}

const layer = (file: string) =>
  file.startsWith('cli/') ? 'cli' : file.startsWith('reproduce/') ? 'reproduce' : 'library';

describe('the import graph of src/', () => {
  const graph = importGraph();

  test('sees every file and a plausible number of imports (the scanner works)', () => {
    assert.ok(graph.size > 100, `${graph.size} files`);
    assert.ok(graph.get('cli/program.ts')!.length > 5);
    assert.ok(graph.get('reproduce/context.ts')!.includes('run/run-dir.ts'));
  });

  test('the library imports no reproduction or CLI file; a reproduction no CLI file', () => {
    const allowed: Record<string, string[]> = {
      library: ['library'],
      reproduce: ['library', 'reproduce'],
      cli: ['library', 'reproduce', 'cli'],
    };
    const wrong: string[] = [];
    for (const [from, tos] of graph)
      for (const to of tos)
        if (!allowed[layer(from)].includes(layer(to))) wrong.push(`${from} → ${to}`);
    assert.deepEqual(wrong, []);
  });

  test('no import circles', () => {
    const state = new Map<string, 'open' | 'done'>();
    const circles: string[] = [];
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        circles.push([...path.slice(path.indexOf(f)), f].join(' → '));
        return;
      }
      state.set(f, 'open');
      for (const t of graph.get(f) ?? []) visit(t, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of graph.keys()) visit(f, []);
    assert.deepEqual(circles, []);
  });
});
