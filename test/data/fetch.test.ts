import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import zlib from 'node:zlib';
import { cifar10 } from '../../src/data/cifar10.ts';
import { fetchDataset, type FetchOptions } from '../../src/data/fetch.ts';
import { encodeIdx } from '../../src/data/idx.ts';
import { fashionMnist } from '../../src/data/mnist.ts';
import { createTar } from '../../src/data/tar.ts';
import { HebbError } from '../../src/errors.ts';
import {
  fileHandler,
  rmTemp,
  startServer,
  tempDir,
  tinyCifarFiles,
  type TestServer,
} from './helpers.ts';

const ARCHIVE = 'cifar-10-binary.tar.gz';
const md5 = (b: Buffer): string => crypto.createHash('md5').update(b).digest('hex');

// The test archive: the six tiny batch files plus the readme the official one also carries.
const tgz = zlib.gzipSync(
  createTar([
    { name: 'cifar-10-batches-bin/batches.meta.txt', data: Buffer.from('airplane\n') },
    ...tinyCifarFiles().map((f) => ({ name: `cifar-10-batches-bin/${f.name}`, data: f.data })),
  ]),
);

// Every test bounds its time; retries wait 0 ms; the idle timeout is short.
const T = { timeout: 15_000 };
const base: FetchOptions = { retries: 0, retryDelayMs: 0, timeoutMs: 3000 };

let dir: string;
let server: TestServer | undefined;
beforeEach(() => {
  dir = tempDir();
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  rmTemp(dir);
});

async function serve(handler: Parameters<typeof startServer>[0]): Promise<TestServer> {
  server = await startServer(handler);
  return server;
}

function cifarOpts(s: TestServer, extra: FetchOptions = {}): FetchOptions {
  return {
    ...base,
    dir,
    url: `${s.base}/cifar.tgz`,
    checksums: { [ARCHIVE]: md5(tgz) },
    ...extra,
  };
}

describe('fetchDataset cifar10 (local server)', () => {
  it('downloads through a redirect, verifies, extracts; the reader reads it', T, async () => {
    const files = fileHandler(tgz);
    const s = await serve((req, res) => {
      if (req.url === '/moved') {
        res.writeHead(302, { Location: '/cifar.tgz' });
        res.end();
      } else files(req, res);
    });
    const seen: [number, number | undefined][] = [];
    const res = await fetchDataset(
      'cifar10',
      cifarOpts(s, { url: `${s.base}/moved`, onProgress: (r, t) => seen.push([r, t]) }),
    );
    assert.equal(res.path, path.join(dir, 'cifar-10-batches-bin'));
    assert.equal(res.alreadyPresent, false);
    assert.deepEqual(s.paths, ['/moved', '/cifar.tgz']);
    assert.deepEqual(seen.at(-1), [tgz.length, tgz.length]);
    assert.deepEqual(fs.readdirSync(dir), ['cifar-10-batches-bin'], 'no archive, .part or temp');
    const { train, test } = cifar10({ dir });
    assert.equal(train.x.rows, 10);
    assert.deepEqual([...test.y], [9, 0, 4]);
    // A second call finds it installed and downloads nothing.
    const again = await fetchDataset('cifar10', cifarOpts(s));
    assert.equal(again.alreadyPresent, true);
    assert.equal(s.paths.length, 2);
  });

  it('resumes with a Range request after the connection drops half-way', T, async () => {
    const half = Math.floor(tgz.length / 2);
    const s = await serve(fileHandler(tgz, { dropAfter: half }));
    await fetchDataset('cifar10', cifarOpts(s, { retries: 2 }));
    assert.equal(s.ranges.length, 2);
    assert.equal(s.ranges[0], '');
    const m = /^bytes=(\d+)-$/.exec(s.ranges[1]);
    const from = m ? Number(m[1]) : 0;
    assert.ok(from > 0 && from <= half, `second request asked for ${s.ranges[1]}`);
    assert.equal(cifar10({ dir }).train.x.rows, 10);
  });

  it('a failed run keeps the .part file and the next run resumes it', T, async () => {
    const s = await serve(fileHandler(tgz, { dropAfter: 1000 }));
    await assert.rejects(fetchDataset('cifar10', cifarOpts(s)), (e: Error) => {
      assert.ok(e instanceof HebbError);
      assert.match(e.message, /could not download .* after 1 attempt/);
      assert.match(e.message, /resumes from the \d+ bytes kept in .*\.part/);
      return true;
    });
    assert.ok(fs.statSync(path.join(dir, `${ARCHIVE}.part`)).size > 0);
    await fetchDataset('cifar10', cifarOpts(s));
    assert.match(s.ranges[1], /^bytes=[1-9]\d*-$/);
    assert.deepEqual(fs.readdirSync(dir), ['cifar-10-batches-bin']);
  });

  it('restarts from zero when the server ignores Range', T, async () => {
    const s = await serve(fileHandler(tgz, { dropAfter: 3000, ignoreRange: true }));
    await fetchDataset('cifar10', cifarOpts(s, { retries: 1 }));
    assert.match(s.ranges[1], /^bytes=/);
    assert.equal(cifar10({ dir }).test.x.rows, 3);
  });

  it('checksum mismatch: error with both md5s; nothing left behind', T, async () => {
    const s = await serve(fileHandler(tgz));
    const wrong = '0'.repeat(32);
    await assert.rejects(
      fetchDataset('cifar10', cifarOpts(s, { checksums: { [ARCHIVE]: wrong } })),
      (e: Error) => {
        assert.ok(e instanceof HebbError);
        assert.ok(e.message.includes(path.join(dir, ARCHIVE)), e.message);
        assert.ok(e.message.includes(`expected md5 ${wrong}, got ${md5(tgz)}`), e.message);
        assert.match(e.message, /hebb data fetch cifar10/);
        return true;
      },
    );
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it('truncated gzip: a clear error and no partial extraction', T, async () => {
    const cut = tgz.subarray(0, Math.floor(tgz.length * 0.6));
    const s = await serve(fileHandler(cut));
    await assert.rejects(
      fetchDataset('cifar10', cifarOpts(s, { checksums: { [ARCHIVE]: md5(cut) } })),
      /not a valid gzip file .*the archive was deleted, run `hebb data fetch cifar10` again/,
    );
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it('an archive without the CIFAR files is rejected and cleaned up', T, async () => {
    const other = zlib.gzipSync(createTar([{ name: 'something/else', data: Buffer.from('x') }]));
    const s = await serve(fileHandler(other));
    await assert.rejects(
      fetchDataset('cifar10', cifarOpts(s, { checksums: { [ARCHIVE]: null } })),
      /has no valid cifar-10-batches-bin\/data_batch_1\.bin/,
    );
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it('HTTP 404 fails at once with the status', T, async () => {
    const s = await serve((_req, res) => {
      res.writeHead(404);
      res.end();
    });
    await assert.rejects(fetchDataset('cifar10', cifarOpts(s, { retries: 3 })), /HTTP 404/);
    assert.equal(s.paths.length, 1);
  });

  it('a silent server times out', T, async () => {
    const s = await serve(() => {});
    await assert.rejects(
      fetchDataset('cifar10', cifarOpts(s, { timeoutMs: 200 })),
      /no data for 200 ms/,
    );
  });

  it('HEBB_CIFAR10_URL / HEBB_CIFAR10_MD5 override the source', T, async () => {
    const s = await serve(fileHandler(tgz));
    process.env.HEBB_CIFAR10_URL = `${s.base}/from-env.tgz`;
    process.env.HEBB_CIFAR10_MD5 = md5(tgz);
    try {
      await fetchDataset('cifar10', { ...base, dir });
    } finally {
      delete process.env.HEBB_CIFAR10_URL;
      delete process.env.HEBB_CIFAR10_MD5;
    }
    assert.deepEqual(s.paths, ['/from-env.tgz']);
  });

  it('unknown names and mnist are clear errors', async () => {
    await assert.rejects(fetchDataset('imagenet', { dir }), /cannot fetch 'imagenet'/);
    await assert.rejects(fetchDataset('mnist', { dir }), /mnist needs no download/);
  });
});

describe('fetchDataset fashion-mnist (local server)', () => {
  const gz = (b: Uint8Array): Buffer => zlib.gzipSync(b);
  const files: Record<string, Buffer> = {
    'train-images-idx3-ubyte.gz': gz(encodeIdx([2, 28, 28], new Uint8Array(2 * 784).fill(255))),
    'train-labels-idx1-ubyte.gz': gz(encodeIdx([2], Uint8Array.from([3, 9]))),
    't10k-images-idx3-ubyte.gz': gz(encodeIdx([1, 28, 28], new Uint8Array(784))),
    't10k-labels-idx1-ubyte.gz': gz(encodeIdx([1], Uint8Array.from([8]))),
  };
  const checksums = Object.fromEntries(Object.entries(files).map(([k, v]) => [k, md5(v)]));

  function handler(body: Record<string, Buffer>): Parameters<typeof startServer>[0] {
    return (req, res) => {
      const b = body[path.basename(req.url ?? '')];
      if (!b) {
        res.writeHead(404);
        res.end();
        return;
      }
      fileHandler(b)(req, res);
    };
  }

  it('downloads the four files into <root>/fashion-mnist', T, async () => {
    const s = await serve(handler(files));
    const res = await fetchDataset('fashion-mnist', {
      ...base,
      dir,
      url: `${s.base}/fm`,
      checksums,
    });
    assert.equal(res.path, path.join(dir, 'fashion-mnist'));
    assert.deepEqual(fs.readdirSync(dir), ['fashion-mnist']);
    const split = fashionMnist({ dir });
    assert.deepEqual([...split.train.y], [3, 9]);
    assert.equal(split.train.x.get(1, 783), 1);
    assert.equal(split.test.classes[8], 'Bag');
  });

  it('a file that is not IDX is deleted and reported; nothing is installed', T, async () => {
    const bad = { ...files, 't10k-labels-idx1-ubyte.gz': gz(Buffer.from('<html>not here</html>')) };
    const s = await serve(handler(bad));
    await assert.rejects(
      fetchDataset('fashion-mnist', {
        ...base,
        dir,
        url: `${s.base}/fm/`,
        checksums: {
          ...checksums,
          't10k-labels-idx1-ubyte.gz': null,
        },
      }),
      /t10k-labels-idx1-ubyte\.gz \(after gunzip\): bad magic number/,
    );
    assert.ok(!fs.existsSync(path.join(dir, 'fashion-mnist')));
    const staged = fs.readdirSync(path.join(dir, '.fashion-mnist.download'));
    assert.ok(!staged.includes('t10k-labels-idx1-ubyte.gz'));
  });
});
