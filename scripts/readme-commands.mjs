#!/usr/bin/env node
// Runs every command the README shows, as written, in order, and every TypeScript example — the
// check that a new user's first contact works (CI runs it on a clean clone). Installation steps
// (apt-get, npm ci) and `npm test` are left to CI itself. It writes into runs/, so it refuses
// to start where runs/ already exists: run it in a fresh clone.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
if (existsSync('runs')) {
  console.error(
    'readme-commands: runs/ exists here; run this in a fresh clone (it writes the README’s runs/)',
  );
  process.exit(2);
}
const readme = readFileSync('README.md', 'utf8');
const blocks = [...readme.matchAll(/```(sh|ts)\n([\s\S]*?)```/g)].map((m) => ({
  lang: m[1],
  text: m[2],
}));
const SKIP = [/^apt-get\b/, /^npm ci\b/, /^npm test\b/];

const commands = [];
for (const b of blocks) {
  if (b.lang === 'ts') {
    commands.push({ show: 'README TypeScript example', ts: b.text });
    continue;
  }
  for (const line of b.text.split('\n')) {
    const cmd = line.replace(/\s+#.*$/, '').trim();
    if (cmd === '' || cmd.startsWith('#')) continue;
    for (const part of cmd.split('&&').map((p) => p.trim())) {
      if (!SKIP.some((r) => r.test(part))) commands.push({ show: part, sh: part });
    }
  }
}

let failed = 0;
for (const c of commands) {
  const t0 = performance.now();
  let r;
  if (c.ts) {
    // Inside the repository, so `import … from 'hebb'` resolves to this package (dist/).
    const file = join(root, '.readme-example.mts');
    writeFileSync(file, c.ts);
    r = spawnSync(process.execPath, ['--import', 'tsx', file], {
      encoding: 'utf8',
      timeout: 600_000,
    });
    rmSync(file, { force: true });
  } else {
    r = spawnSync('sh', ['-c', c.sh], { encoding: 'utf8', timeout: 600_000 });
  }
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  if (r.status === 0) {
    console.log(`ok   ${s.padStart(6)} s  ${c.show}`);
  } else {
    failed++;
    console.log(`FAIL ${s.padStart(6)} s  ${c.show} (exit ${r.status ?? r.signal})`);
    console.log((r.stdout + r.stderr).split('\n').slice(-15).join('\n'));
  }
}
console.log(`${commands.length - failed}/${commands.length} README commands work as written`);
process.exit(failed > 0 ? 1 : 0);
