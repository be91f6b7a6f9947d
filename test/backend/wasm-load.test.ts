// loadWasmBackend's answers, in Node with hand-made responses: the module compiles from bytes
// or a Response, and each way a page fails to get it — a 404, an HTML page served in its place
// (a dev server's fallback, which WebAssembly.compile reports as "expected magic word 00 61 73
// 6d, found 3c 21 64 6f"), other bytes, no import.meta.url — says what went wrong and what to do.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { backendUnavailableReason, getBackend } from '../../src/backend/index.ts';
import { loadWasmBackend } from '../../src/backend/wasm/index.ts';
import { WASM_PATH } from '../../src/backend/wasm/register.ts';

const skip = existsSync(WASM_PATH) ? false : `${WASM_PATH} not built (npm run build:wasm)`;
const SERVE = /serve node_modules\/hebb\/wasm\/hebb\.wasm at that URL .*or pass its URL or bytes/;

describe('loadWasmBackend', () => {
  it('an HTML page in place of the module: says so, and to serve the file or pass its URL', async () => {
    const page = new Response('<!doctype html>\n<html><body>app</body></html>', { status: 200 });
    await assert.rejects(loadWasmBackend(page), (e: Error) => {
      assert.equal(e.name, 'HebbError');
      assert.match(
        e.message,
        /^loading the wasm module failed: the response: the server sent an HTML page \(starting "<!doctype html>"\) instead of the module: it has no file at that URL; /,
      );
      assert.match(e.message, SERVE);
      assert.doesNotMatch(e.message, /\n/);
      return true;
    });
    // later selections give the same reason
    assert.match(backendUnavailableReason('wasm') ?? '', /sent an HTML page/);
  });

  it('an HTTP error names the status', async () => {
    await assert.rejects(
      loadWasmBackend(new Response('not found', { status: 404 })),
      /loading the wasm module failed: the response: HTTP 404; serve node_modules/,
    );
  });

  it('bytes that are no module name their first four, and say to pass the package file', async () => {
    await assert.rejects(
      loadWasmBackend(Uint8Array.from([1, 2, 3, 4, 5])),
      /the bytes: not a WebAssembly module \(it starts with 01 02 03 04, a module with 00 61 73 6d\); pass the bytes of the package's wasm\/hebb\.wasm$/,
    );
    await assert.rejects(loadWasmBackend(new ArrayBuffer(0)), /the bytes: the response is empty/);
  });

  it("in Node, the default file: URL says that hebb's Node entry loads the module itself", async () => {
    await assert.rejects(
      loadWasmBackend(),
      /hebb\.wasm: fetch failed .*; in Node import hebb \(its Node entry loads the module itself\)/,
    );
  });

  it(
    'compiles the package module from bytes or a Response; selection then prefers it to ts',
    { skip },
    async () => {
      const bytes = readFileSync(WASM_PATH);
      const fromResponse = await loadWasmBackend(new Response(bytes));
      assert.equal(fromResponse.name, 'wasm');
      const fromBytes = await loadWasmBackend(new Uint8Array(bytes));
      assert.equal(fromBytes.name, 'wasm');
      assert.equal(getBackend('wasm'), fromBytes);
      assert.equal(backendUnavailableReason('wasm'), null);
    },
  );
});
