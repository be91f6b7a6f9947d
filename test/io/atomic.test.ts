import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { writeFileAtomic, writeJsonAtomic } from '../../src/io/atomic.ts';

const tmp = mkdtempSync(join(tmpdir(), 'hebb-atomic-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('creates and then replaces a file, leaving no temp files', () => {
    const dir = join(tmp, 'a');
    mkdirSync(dir);
    const p = join(dir, 'f.txt');
    writeFileAtomic(p, 'one');
    writeFileAtomic(p, new Uint8Array([0x74, 0x77, 0x6f]));
    assert.equal(readFileSync(p, 'utf8'), 'two');
    assert.deepEqual(readdirSync(dir), ['f.txt']);
  });

  it('writes JSON with a trailing newline', () => {
    const p = join(tmp, 'x.json');
    writeJsonAtomic(p, { a: [1, 2] });
    assert.deepEqual(JSON.parse(readFileSync(p, 'utf8')), { a: [1, 2] });
    assert.ok(readFileSync(p, 'utf8').endsWith('}\n'));
  });

  it('removes its temp file and rethrows when the rename fails', () => {
    const dir = join(tmp, 'b');
    mkdirSync(join(dir, 'target'), { recursive: true });
    // Renaming a file over a non-empty directory fails on every platform.
    mkdirSync(join(dir, 'target', 'inside'));
    assert.throws(() => writeFileAtomic(join(dir, 'target'), 'data'), /EISDIR|EPERM|ENOTEMPTY/);
    assert.deepEqual(readdirSync(dir), ['target']);
  });

  it('rethrows when the directory does not exist', () => {
    assert.throws(() => writeFileAtomic(join(tmp, 'missing', 'f'), 'x'), /ENOENT/);
  });
});
