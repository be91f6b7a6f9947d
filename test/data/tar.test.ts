import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import zlib from 'node:zlib';
import { ArchiveError, TarExtractor, createTar, extractTarGz } from '../../src/data/tar.ts';
import { rmTemp, tempDir } from './helpers.ts';

const dir = tempDir();
after(() => rmTemp(dir));

const entries = [
  { name: 'top/a.bin', data: Buffer.from('hello') },
  { name: 'top/empty', data: Buffer.alloc(0) },
  { name: 'top/block.bin', data: Buffer.alloc(1024, 7) },
  { name: `top/${'d'.repeat(80)}/${'f'.repeat(60)}.bin`, data: Buffer.from([1, 2, 3]) },
];

describe('tar', () => {
  it('createTar → extractTarGz round trip (gzip and plain), incl. a ustar prefix name', async () => {
    const tar = createTar(entries);
    assert.equal(tar.length % 512, 0);
    for (const [name, bytes] of [
      ['t.tar.gz', zlib.gzipSync(tar)],
      ['t.tar', tar],
    ] as const) {
      const archive = path.join(dir, name);
      fs.writeFileSync(archive, bytes);
      const dest = path.join(dir, `out-${name}`);
      const names = await extractTarGz(archive, dest);
      assert.deepEqual(
        names,
        entries.map((e) => e.name),
      );
      for (const e of entries) assert.deepEqual(fs.readFileSync(path.join(dest, e.name)), e.data);
    }
  });

  it('accepts data fed one byte at a time', () => {
    const dest = path.join(dir, 'bytewise');
    const t = new TarExtractor(dest, 'mem');
    const tar = createTar(entries.slice(0, 3));
    for (let i = 0; i < tar.length; i++) t.push(tar.subarray(i, i + 1));
    assert.equal(t.end().length, 3);
    assert.equal(fs.readFileSync(path.join(dest, 'top/a.bin'), 'utf8'), 'hello');
  });

  it('truncated gzip and truncated tar are ArchiveErrors naming the file', async () => {
    const gz = zlib.gzipSync(createTar(entries));
    const cut = path.join(dir, 'cut.tar.gz');
    fs.writeFileSync(cut, gz.subarray(0, Math.floor(gz.length / 2)));
    await assert.rejects(extractTarGz(cut, path.join(dir, 'o1')), (e: Error) => {
      assert.ok(e instanceof ArchiveError);
      assert.ok(e.message.includes(cut));
      assert.match(e.message, /not a valid gzip file/);
      return true;
    });
    const cutTar = path.join(dir, 'cut.tar');
    fs.writeFileSync(cutTar, createTar(entries).subarray(0, 512 + 3));
    await assert.rejects(extractTarGz(cutTar, path.join(dir, 'o2')), /is truncated/);
  });

  it('a bad header checksum and unsafe names are refused', async () => {
    const bad = createTar(entries.slice(0, 1));
    bad[0] ^= 1;
    const p = path.join(dir, 'bad.tar');
    fs.writeFileSync(p, bad);
    await assert.rejects(extractTarGz(p, path.join(dir, 'o3')), /header checksum mismatch/);
    const evil = path.join(dir, 'evil.tar');
    fs.writeFileSync(evil, createTar([{ name: '../escape', data: Buffer.from('x') }]));
    await assert.rejects(extractTarGz(evil, path.join(dir, 'o4')), /unsafe entry name/);
    assert.ok(!fs.existsSync(path.join(dir, 'escape')));
  });
});
