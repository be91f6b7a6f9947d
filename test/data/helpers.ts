import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A fresh temp folder; remove it with rmTemp. */
export function tempDir(prefix = 'hebb-data-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function rmTemp(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** A version 1.0 .npy file written by hand: header dict padded to 64 bytes, then the data. */
export function npyBytes(
  descr: string,
  shape: number[],
  data: Uint8Array,
  fortran = false,
): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const out = new Uint8Array(10 + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(data, 10 + header.length);
  return out;
}

/**
 * Byte of plane c at pixel p of synthetic CIFAR record `record`: a multiplicative hash, so the
 * files do not compress to nothing (the download tests need archives of some kilobytes).
 */
export function cifarByte(record: number, c: number, p: number): number {
  let h = Math.imul(p + 1024 * c + 3072 * record + 1, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  return (h ^ (h >>> 13)) & 0xff;
}

/** CIFAR-10 binary records: label byte then R, G, B planes of 1024 bytes each. */
export function cifarRecords(labels: number[], first = 0): Buffer {
  const buf = Buffer.alloc(labels.length * 3073);
  labels.forEach((label, r) => {
    const at = r * 3073;
    buf[at] = label;
    for (let c = 0; c < 3; c++) {
      for (let p = 0; p < 1024; p++) buf[at + 1 + c * 1024 + p] = cifarByte(first + r, c, p);
    }
  });
  return buf;
}

/** The six batch files of a tiny CIFAR-10: 2 records per training batch, 3 in the test batch. */
export function tinyCifarFiles(): { name: string; data: Buffer }[] {
  const files = [1, 2, 3, 4, 5].map((i) => ({
    name: `data_batch_${i}.bin`,
    data: cifarRecords([(2 * i) % 10, (2 * i + 1) % 10], 2 * (i - 1)),
  }));
  files.push({ name: 'test_batch.bin', data: cifarRecords([9, 0, 4], 100) });
  return files;
}

export interface TestServer {
  base: string;
  /** Range header of every request, in order ('' when absent), and the paths asked for. */
  ranges: string[];
  paths: string[];
  close: () => Promise<void>;
}

/** An HTTP server on 127.0.0.1 (free port). close() also drops kept-alive connections. */
export async function startServer(handler: http.RequestListener): Promise<TestServer> {
  const ranges: string[] = [];
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    ranges.push(req.headers.range ?? '');
    paths.push(req.url ?? '');
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    ranges,
    paths,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Serves `body` honouring `Range: bytes=N-` (unless ignoreRange). With dropAfter, the first
 * `dropTimes` responses send that many bytes of a full-length response and then cut the socket.
 */
export function fileHandler(
  body: Buffer,
  opts: { dropAfter?: number; dropTimes?: number; ignoreRange?: boolean } = {},
): http.RequestListener {
  let drops = opts.dropAfter !== undefined ? (opts.dropTimes ?? 1) : 0;
  return (req, res) => {
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = m && !opts.ignoreRange ? Number(m[1]) : 0;
    const rest = body.subarray(start);
    const headers: http.OutgoingHttpHeaders = { 'Content-Length': rest.length };
    if (start > 0) headers['Content-Range'] = `bytes ${start}-${body.length - 1}/${body.length}`;
    res.writeHead(start > 0 ? 206 : 200, headers);
    if (drops > 0) {
      drops--;
      res.write(rest.subarray(0, opts.dropAfter), () => setTimeout(() => res.destroy(), 20));
      return;
    }
    res.end(rest);
  };
}
