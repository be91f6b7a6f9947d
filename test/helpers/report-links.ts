// Every image a report.md links (![..](path)) exists beside it and is an SVG with text in it or
// a PNG: a report never points at a figure that was not written.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function assertFiguresLinked(report: string, atLeast = 1): string[] {
  const md = readFileSync(report, 'utf8');
  const links = [...md.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]);
  assert.ok(
    links.length >= atLeast,
    `${report} links ${links.length} figures, expected ≥ ${atLeast}`,
  );
  for (const l of links) {
    const path = join(dirname(report), l);
    assert.ok(existsSync(path), `${report} links ${l}, which does not exist`);
    assert.match(l, /\.svg$/, `${report} links ${l}: reports link SVG figures`);
    assert.match(readFileSync(path, 'utf8'), /^<svg[^]*<text/, `${l} is not an SVG with text`);
  }
  return links;
}
