// A sweep file is checked against its command before any point runs: the command must exist,
// every option must be one of its flags and every value must pass that flag's own check. A
// mistake is one line naming the sweep file's key (exit 2), and nothing is written.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { memoryIO } from '../../src/cli/io.ts';
import { createProgram, runCli } from '../../src/cli/program.ts';
import { loadSweep } from '../../src/cli/sweep-command.ts';
import { sweepFigure } from '../../src/sweep/figure.ts';
import { collectResults, writeDone } from '../../src/sweep/state.ts';
import { summarize } from '../../src/sweep/summary.ts';

describe('a sweep file is checked before launch', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hebb-sweep-check-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'out');
  const file = join(dir, 'typo.json');

  async function refused(spec: object, sub = 'run', extra: string[] = []) {
    writeFileSync(file, JSON.stringify({ out, ...spec }));
    const io = memoryIO();
    const code = await runCli(['sweep', sub, file, ...extra], io);
    assert.equal(code, 2, io.stderr.join('\n'));
    assert.deepEqual(io.stdout, []);
    assert.equal(io.stderr.length, 1, io.stderr.join('\n'));
    assert.ok(!existsSync(out), 'nothing written');
    return io.stderr[0].replace(`hebb: ${file}: `, '');
  }

  it('an unknown command, with the near one', async () => {
    assert.equal(
      await refused({ command: 'emergence rnu', grid: { rule: ['sgd'] } }),
      "sweep spec (command): 'emergence rnu' is not a hebb command; did you mean 'emergence run'?",
    );
    assert.match(
      await refused({ command: 'emergence' }),
      /^sweep spec \(command\): 'emergence' is a group of commands; name one: 'emergence run'/,
    );
    assert.match(
      await refused({ command: 'frobnicate now' }),
      /^sweep spec \(command\): 'frobnicate now' is not a hebb command \(hebb --help lists them\)$/,
    );
  });

  it('a misspelled option, with the near one', async () => {
    assert.equal(
      await refused({ command: 'emergence run', options: { epocs: 3 } }),
      "sweep spec (options.epocs): hebb emergence run has no option --epocs; did you mean 'epochs'?",
    );
    assert.equal(
      await refused({ command: 'emergence run', grid: { 'wieght-decay': [0, 1e-3] } }),
      "sweep spec (grid.wieght-decay): hebb emergence run has no option --wieght-decay; did you mean 'weight-decay'?",
    );
  });

  it('bad values, by the flags’ own checks (sweep run and sweep submit)', async () => {
    assert.equal(
      await refused({ command: 'emergence run', options: { epochs: -1 } }),
      'sweep spec (options.epochs): --epochs must be an integer in [1, 100000], got -1',
    );
    // submit checks before it reaches for the queue (nothing listens on port 1).
    assert.equal(
      await refused(
        { command: 'emergence run', options: { epochs: 1 }, grid: { 'weight-decay': [0, 'abc'] } },
        'submit',
        ['--queue', 'redis://127.0.0.1:1'],
      ),
      "sweep spec (grid.weight-decay[1]): --weight-decay must be a number, got 'abc'",
    );
    assert.equal(
      await refused({
        command: 'emergence run',
        options: { epochs: 1 },
        grid: { rule: ['sgd', 'no-such-rule'] },
      }),
      "sweep spec (grid.rule[1]): 'no-such-rule' is not a choice of --rule; the choices are sgd, adam, dfa, random",
    );
    assert.equal(
      await refused({ command: 'emergence run', options: { epochs: true } }),
      'sweep spec (options.epochs): --epochs takes a value (--epochs <n>), not true or false',
    );
    assert.equal(
      await refused({ command: 'softhebb train', options: { overwrite: 'yes' } }),
      "sweep spec (options.overwrite): 'overwrite' is set by the sweep itself; leave it out",
    );
  });

  it("the repository's sweep files pass", () => {
    const sweeps = join(import.meta.dirname, '..', '..', 'sweeps');
    const program = createProgram(memoryIO());
    for (const f of readdirSync(sweeps))
      assert.doesNotThrow(() => loadSweep(join(sweeps, f), program), f);
  });
});

describe('hebb sweep report', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hebb-sweep-report-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'out');
  const file = join(dir, 'rep.json');
  writeFileSync(
    file,
    JSON.stringify({ command: 'emergence run', grid: { rule: ['sgd', 'dfa'] }, seeds: 1, out }),
  );
  // Complete points without running anything: their records, as a worker writes them.
  const { spec, points } = loadSweep(file);
  for (const [i, p] of points.entries())
    writeDone(spec, p, {
      seconds: 1,
      finishedAt: 'now',
      worker: 'test',
      result: { validation: { loss: 0.5 + i }, alignment: { signal: [0.1, 0.2 * i] } },
    });

  it('a misspelt metric is refused with the near name and the known ones; the stale figure goes', async () => {
    const ok = memoryIO();
    assert.equal(await runCli(['sweep', 'report', file], ok), 0, ok.stderr.join('\n'));
    assert.deepEqual(ok.stderr, [
      `wrote ${join(out, 'report.md')}, report.csv, report.json and report.svg`,
    ]);
    assert.ok(existsSync(join(out, 'report.svg')));

    const typo = memoryIO();
    assert.equal(await runCli(['sweep', 'report', file, '--metrics', 'validaton.loss'], typo), 2);
    assert.deepEqual(typo.stderr, [
      "hebb: --metrics: 'validaton.loss' is not a number in the results; did you mean 'validation.loss'? (metrics: validation.loss, alignment.signal.0, alignment.signal.1)",
    ]);
    // the spec's own metrics are checked the same way
    writeFileSync(
      file,
      JSON.stringify({
        command: 'emergence run',
        grid: { rule: ['sgd', 'dfa'] },
        seeds: 1,
        out,
        metrics: ['alignment.signl.1'],
      }),
    );
    const specTypo = memoryIO();
    assert.equal(await runCli(['sweep', 'report', file], specTypo), 2);
    assert.match(
      specTypo.stderr[0],
      /sweep spec \(metrics\): 'alignment\.signl\.1' is not a number in the results; did you mean 'alignment\.signal\.1'\?/,
    );

    // The same folder, no grid left to draw against: no figure, and the old one is not left
    // behind beside the new table.
    writeFileSync(file, JSON.stringify({ command: 'emergence run', seeds: 1, out }));
    const single = loadSweep(file);
    writeDone(single.spec, single.points[0], {
      seconds: 1,
      finishedAt: 'now',
      worker: 'test',
      result: { validation: { loss: 0.5 } },
    });
    const none = memoryIO();
    assert.equal(await runCli(['sweep', 'report', file], none), 0);
    assert.match(none.stderr[0], /report\.json \(no figure/);
    assert.ok(!existsSync(join(out, 'report.svg')), 'the stale report.svg is removed');
  });

  it('categorical settings are points, not joined by lines', () => {
    const rows = summarize(collectResults(spec, points), ['validation.loss']);
    const fig = sweepFigure(spec, rows, 'validation.loss')!;
    const marks = JSON.stringify((fig.layer as { mark: unknown }[]).map((l) => l.mark));
    assert.doesNotMatch(marks, /"line"|"area"/);
    assert.match(marks, /"point"/);
  });
});
