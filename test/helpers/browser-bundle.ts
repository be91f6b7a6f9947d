// The browser entry (and, with webgpu, hebb/webgpu) bundled as one script for a Chromium page:
// a global `hebb`, no Node built-ins (esbuild fails the bundle on one). Shared by the browser
// tests and `npm run bench -- browser`.
import { build } from 'esbuild';

export async function browserBundle({ webgpu = false } = {}): Promise<string> {
  const entries = ['./src/browser.ts', ...(webgpu ? ['./src/webgpu.ts'] : [])];
  const result = await build({
    stdin: {
      contents: entries.map((e) => `export * from '${e}';`).join('\n'),
      resolveDir: new URL('../..', import.meta.url).pathname,
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    globalName: 'hebb',
    platform: 'browser',
    write: false,
    // the wasm loader's default URL reads import.meta, which a script has not: pages pass one
    logOverride: { 'empty-import-meta': 'silent' },
  });
  return result.outputFiles[0].text;
}
