#!/usr/bin/env node
/* global fetch */
// Runs every command the README shows, as written, in order, and every TypeScript example — the
// check that a new user's first contact works (CI runs it on a clean clone). Installation steps
// (apt-get, npm ci) and `npm test` are left to CI itself. It writes into runs/, so it refuses
// to start where runs/ already exists: run it in a fresh clone.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

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
// `npm install hebb …` is a consumer's command, for a project of theirs: the consumer test
// (scripts/consumer-test.mjs) installs the packed tarball into fresh projects instead.
const SKIP = [/^apt-get\b/, /^npm ci\b/, /^npm test\b/, /^npm install hebb\b/];
// Commands that serve until stopped: each passes when its page answers with the text given.
const SERVERS = [
  { cmd: /^npm run web$/, url: 'http://127.0.0.1:5173/', expect: 'hebb playground' },
];

/** Starts a serving command, waits (≤ 120 s) for its page, stops it: { status, stdout, stderr }. */
async function checkServer(cmd, { url, expect }) {
  const child = spawn('sh', ['-c', cmd], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  let ok = false;
  for (let i = 0; i < 240 && !ok && child.exitCode === null; i++) {
    await sleep(500);
    try {
      ok = (await (await fetch(url)).text()).includes(expect);
    } catch {
      // not listening yet
    }
  }
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
  return { status: ok ? 0 : 1, stdout: log, stderr: ok ? '' : `\n${url} did not show '${expect}'` };
}

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
    const server = SERVERS.find((v) => v.cmd.test(c.sh));
    r = server
      ? await checkServer(c.sh, server)
      : spawnSync('sh', ['-c', c.sh], { encoding: 'utf8', timeout: 600_000 });
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
