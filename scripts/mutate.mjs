#!/usr/bin/env node
// Mutation check (docs/testing.md): applies each mutant of test/mutations.json — one exact
// expression of an equation file changed by about 10 % — and runs the test files listed for
// it; a mutant whose tests still pass has survived. Prints every mutant's outcome, the score
// caught / (total − equivalent) and every survivor; exits 1 when a survivor is not listed with
// its reason, when the score is below --min-score, or when an expression no longer occurs
// exactly once in its file.
//
// The worktree is never written: each worker owns a temporary copy of src/ and test/ (with
// node_modules, build/ and wasm/ linked), mutates the file there and writes it back after the
// run, and the copies are removed on exit, on Ctrl-C and on SIGTERM. A killed run leaves at
// most a directory under the system's temp folder.
//
//   npm run mutate                      every mutant, 2 at a time
//   npm run mutate -- --only prior      mutants whose id contains 'prior'
//   npm run mutate -- --check           only check that every expression occurs once
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const LIST = 'test/mutations.json';
/** Where mutants may live: the equation files. */
const MATH_DIRS = [
  'src/softhebb/',
  'src/similarity/',
  'src/emergence/',
  'src/readout/',
  'src/optim/',
  'src/backend/ts/',
  'src/classic/',
  'src/krotov/',
];
const USAGE =
  'usage: npm run mutate [-- --only TEXT] [--jobs 1|2] [--check] [--min-score PERCENT] [--timeout SECONDS]';

function parseArgs(argv) {
  const o = { only: null, jobs: 2, check: false, minScore: 90, timeout: 120 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(`mutate: ${a} needs a value; ${USAGE}`);
      return argv[++i];
    };
    if (a === '--only') o.only = value();
    else if (a === '--jobs') o.jobs = Number(value());
    else if (a === '--check') o.check = true;
    else if (a === '--min-score') o.minScore = Number(value());
    else if (a === '--timeout') o.timeout = Number(value());
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else fail(`mutate: unknown argument '${a}'; ${USAGE}`);
  }
  // Two at a time at most: CI and the development machines have 2 cores.
  if (!(o.jobs === 1 || o.jobs === 2)) fail(`mutate: --jobs must be 1 or 2, got ${o.jobs}`);
  if (!(o.minScore >= 0 && o.minScore <= 100))
    fail(`mutate: --min-score must be a percentage in [0, 100], got ${o.minScore}`);
  if (!(o.timeout > 0)) fail(`mutate: --timeout must be a number of seconds > 0`);
  return o;
}

function fail(line) {
  console.error(line);
  process.exit(2);
}

/** Occurrences of needle in text, overlapping ones included. */
function count(text, needle) {
  let n = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) n++;
  return n;
}

/** Reads the list and checks every entry; returns the mutants or exits naming each problem. */
function loadList() {
  let list;
  try {
    list = JSON.parse(readFileSync(join(root, LIST), 'utf8'));
  } catch (e) {
    fail(`mutate: cannot read ${LIST}: ${e.message}`);
  }
  const mutants = list.mutants;
  if (!Array.isArray(mutants) || mutants.length === 0)
    fail(`mutate: ${LIST} must hold { "mutants": [ … ] } with at least one entry`);
  const problems = [];
  const ids = new Set();
  const sources = new Map();
  for (const [i, m] of mutants.entries()) {
    const at = `${LIST} entry ${i + 1}${m.id ? ` (${m.id})` : ''}`;
    const missing = ['id', 'file', 'find', 'replace', 'change'].filter(
      (key) => typeof m[key] !== 'string' || m[key] === '',
    );
    for (const key of missing) problems.push(`${at}: '${key}' is missing`);
    if (!Array.isArray(m.tests) || m.tests.length === 0) {
      problems.push(`${at}: 'tests' must list the test files that catch it`);
      continue;
    }
    if (missing.length) continue;
    if (ids.has(m.id)) problems.push(`${at}: id '${m.id}' is used twice`);
    ids.add(m.id);
    if (!MATH_DIRS.some((d) => m.file.startsWith(d)))
      problems.push(`${at}: ${m.file} is not an equation file (${MATH_DIRS.join(', ')})`);
    if (m.find === m.replace) problems.push(`${at}: 'replace' equals 'find'`);
    if (m.survives !== undefined) {
      const s = m.survives;
      if (
        !['equivalent', 'harmless'].includes(s?.kind) ||
        typeof s.reason !== 'string' ||
        !s.reason
      )
        problems.push(
          `${at}: 'survives' must be { "kind": "equivalent" | "harmless", "reason": "why" }`,
        );
    }
    for (const t of m.tests)
      if (!existsSync(join(root, t))) problems.push(`${at}: test file ${t} does not exist`);
    if (!existsSync(join(root, m.file))) {
      problems.push(`${at}: ${m.file} does not exist; update or remove the entry`);
      continue;
    }
    if (!sources.has(m.file)) sources.set(m.file, readFileSync(join(root, m.file), 'utf8'));
    const n = count(sources.get(m.file), m.find);
    if (n !== 1)
      problems.push(
        `${at}: \`${m.find}\` occurs ${n} times in ${m.file} (must be exactly once); ` +
          (n === 0
            ? 'the code changed: update the entry to the new expression'
            : 'lengthen the expression until it is unique'),
      );
  }
  if (problems.length) {
    for (const p of problems) console.error(`mutate: ${p}`);
    process.exit(1);
  }
  return { mutants, sources };
}

/** A temporary copy of the project for one worker: src/ and test/ copied, the rest linked. */
function makeWorkspace(base, name) {
  const dir = join(base, name);
  cpSync(join(root, 'src'), join(dir, 'src'), { recursive: true });
  cpSync(join(root, 'test'), join(dir, 'test'), { recursive: true });
  for (const f of ['package.json', 'tsconfig.json']) cpSync(join(root, f), join(dir, f));
  for (const d of ['node_modules', 'build', 'wasm'])
    if (existsSync(join(root, d))) symlinkSync(join(root, d), join(dir, d));
  return dir;
}

const children = new Set();

/**
 * Runs the test files in dir, all in one process (a process per file, as `node --test` runs
 * them, costs a third more CPU); resolves to { ok, timedOut, seconds, output }. A failing test
 * sets the exit code, and so does a mutant that breaks loading a module.
 */
function runTests(dir, files, timeoutS) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const imports = files.map((f) => `await import(${JSON.stringify(`./${f}`)});`).join('\n');
    const args = ['--import', 'tsx', '--import', './test/setup.ts', '--test-reporter=dot'];
    args.push('--input-type=module', '-e', imports);
    const child = spawn(process.execPath, args, {
      cwd: dir,
      // The mutants are in TypeScript: the portable backend runs them (the native one would
      // bypass a mutated ts kernel), and one backend keeps each run short.
      env: { ...process.env, HEBB_BACKEND: 'ts', HEBB_REQUIRE_NATIVE: '', NODE_OPTIONS: '' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, timeoutS * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({
        ok: code === 0 && !timedOut,
        timedOut,
        seconds: (performance.now() - t0) / 1000,
        output,
      });
    });
  });
}

function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** The first failing assertion of a run's output, for the log. */
function firstFailure(output) {
  const line = output
    .split('\n')
    .map((l) => l.trim())
    .find((l) => /^(error:|Error|AssertionError|\w*Error:)/.test(l));
  return line ? line.slice(0, 140) : '';
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const { mutants: all, sources } = loadList();
  if (o.check) {
    console.log(`mutate: all ${all.length} expressions of ${LIST} occur exactly once`);
    return 0;
  }
  const mutants = o.only ? all.filter((m) => m.id.includes(o.only)) : all;
  if (mutants.length === 0) fail(`mutate: no mutant id contains '${o.only}'`);

  const t0 = performance.now();
  const base = mkdtempSync(join(tmpdir(), 'hebb-mutate-'));
  const cleanup = () => {
    for (const c of children) killGroup(c);
    rmSync(base, { recursive: true, force: true });
  };
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'])
    process.on(sig, () => {
      console.error(`\nmutate: ${sig}: stopped; the worktree was never changed`);
      process.exit(130);
    });
  const workers = Array.from({ length: Math.min(o.jobs, mutants.length) }, (_, i) =>
    makeWorkspace(base, `w${i}`),
  );

  // The listed tests must pass unmutated, or a "caught" would mean nothing.
  const files = [...new Set(mutants.flatMap((m) => m.tests))].sort();
  const half = Math.ceil(files.length / workers.length);
  const baseline = await Promise.all(
    workers.map((dir, i) => {
      const mine = files.slice(i * half, (i + 1) * half);
      return mine.length ? runTests(dir, mine, o.timeout * 3) : { ok: true, seconds: 0 };
    }),
  );
  const broken = baseline.find((r) => !r.ok);
  if (broken) {
    console.error(broken.output.split('\n').slice(-40).join('\n'));
    console.error('mutate: the listed test files fail without any mutant; fix them first');
    return 1;
  }
  console.log(
    `mutate: ${mutants.length} mutants over ${new Set(mutants.map((m) => m.file)).size} files, ` +
      `${workers.length} at a time, portable backend; baseline of ${files.length} test files passes`,
  );

  const results = new Array(mutants.length);
  let next = 0;
  const work = async (dir) => {
    while (next < mutants.length) {
      const i = next++;
      const m = mutants[i];
      const target = join(dir, m.file);
      const original = sources.get(m.file);
      writeFileSync(
        target,
        original.replace(m.find, () => m.replace),
      );
      let r;
      try {
        r = await runTests(dir, m.tests, m.timeout ?? o.timeout);
      } finally {
        writeFileSync(target, original);
      }
      const status = r.ok ? 'SURVIVED' : r.timedOut ? 'caught (timeout)' : 'caught';
      results[i] = { m, r, caught: !r.ok };
      const note = m.survives && r.ok ? `  [${m.survives.kind}]` : '';
      const why = r.ok ? '' : `  — ${firstFailure(r.output)}`;
      console.log(
        `  ${status.padEnd(16)} ${m.id.padEnd(34)} ${r.seconds.toFixed(1).padStart(5)} s${note}${why}`,
      );
    }
  };
  await Promise.all(workers.map(work));

  const equivalent = results.filter((x) => x.m.survives?.kind === 'equivalent');
  const counted = results.length - equivalent.length;
  const caught = results.filter((x) => x.caught && x.m.survives?.kind !== 'equivalent').length;
  const survivors = results.filter((x) => !x.caught);
  const unlisted = survivors.filter((x) => !x.m.survives);
  const stale = results.filter((x) => x.caught && x.m.survives);
  const score = counted > 0 ? (100 * caught) / counted : 100;
  const seconds = (performance.now() - t0) / 1000;

  console.log(
    `\nmutation score ${caught}/${counted} = ${score.toFixed(1)} % ` +
      `(${results.length} mutants, ${equivalent.length} listed as equivalent), ${seconds.toFixed(0)} s`,
  );
  if (survivors.length) {
    console.log('surviving mutants:');
    for (const { m } of survivors) {
      const why = m.survives
        ? `${m.survives.kind}: ${m.survives.reason}`
        : 'NOT LISTED — no test catches it';
      console.log(`  ${m.id}: ${m.file}: \`${m.find}\` → \`${m.replace}\` (${m.change})`);
      console.log(`      ${why}`);
    }
  }
  for (const { m } of stale)
    console.log(
      `note: ${m.id} is listed as ${m.survives.kind} but its tests catch it; remove its 'survives'`,
    );
  let code = 0;
  if (unlisted.length) {
    console.log(
      `mutate: ${unlisted.length} mutant(s) survive without a reason; add a test that catches ` +
        `each, or mark it "survives": { "kind", "reason" } in ${LIST}`,
    );
    code = 1;
  }
  if (!o.only && score < o.minScore) {
    console.log(`mutate: score ${score.toFixed(1)} % is below ${o.minScore} %`);
    code = 1;
  }
  return code;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`mutate: ${e.stack ?? e}`);
    process.exit(1);
  },
);
