import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValueError } from '../../src/errors.ts';
import { createProgress, formatDuration } from '../../src/report/progress.ts';

/** A stream that records writes, and a clock the test advances by hand. */
function fake(isTTY: boolean, columns?: number) {
  const writes: string[] = [];
  let t = 0;
  return {
    writes,
    stream: { isTTY, columns, write: (s: string) => writes.push(s) },
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
    text: () => writes.join(''),
  };
}

describe('progress on a pipe (CI logs)', () => {
  it('prints exactly one line per 10% for 100 ticks, then a final line', () => {
    const f = fake(false);
    const p = createProgress({ total: 100, label: 'train', unit: 'batch', ...f });
    for (let i = 0; i < 100; i++) {
      f.advance(10);
      p.tick(1, { acc: 0.95 });
    }
    p.done();
    p.done();
    const lines = f.text().split('\n').filter(Boolean);
    assert.equal(lines.length, 11);
    assert.equal(lines[0], 'train: 10% 10/100 100 batch/s ETA 0:01 acc=0.95');
    assert.match(lines[9], /^train: 100% 100\/100 100 batch\/s ETA 0:00/);
    assert.equal(lines[10], 'train: done 100/100 batch in 0:01 (100 batch/s) acc=0.95');
    assert.ok(!f.text().includes('\r'));
  });

  it('a jump over several deciles prints one line; total 0 prints only the final line', () => {
    const f = fake(false);
    const p = createProgress({ total: 10, label: 'x', ...f });
    p.tick(7);
    p.tick(3);
    assert.deepEqual(f.writes.length, 2);
    assert.match(f.writes[0], /^x: 70% 7\/10 -- it\/s ETA \?/);
    const g = fake(false);
    const q = createProgress({ total: 0, label: 'empty', ...g });
    q.tick(0);
    q.done();
    assert.equal(g.writes.length, 1);
    assert.match(g.writes[0], /^empty: done 0\/0/);
  });

  it('quiet prints nothing', () => {
    for (const tty of [true, false]) {
      const f = fake(tty);
      const p = createProgress({ total: 5, label: 'q', quiet: true, ...f });
      for (let i = 0; i < 5; i++) p.tick();
      p.done();
      assert.equal(f.writes.length, 0);
      assert.equal(p.count, 5);
    }
  });
});

describe('progress on a terminal', () => {
  it('redraws one line with \\r: bar, count/total, rate, ETA and extra fields', () => {
    const f = fake(true);
    const p = createProgress({ total: 40, label: 'epoch 1/3', unit: 'img', ...f });
    f.advance(1000);
    p.tick(10, { acc: 0.91234, phase: 'warm' });
    assert.equal(
      f.writes[0],
      '\repoch 1/3 [#####...............] 10/40 10.0 img/s ETA 0:03 acc=0.9123 phase=warm\x1b[K',
    );
    f.advance(3000);
    p.tick(30, { acc: 0.5 });
    p.done();
    const last = f.writes.at(-1)!;
    assert.match(last, /^\repoch 1\/3 \[#{20}\] 40\/40 10\.0 img\/s in 0:04 acc=0\.5 phase=warm/);
    assert.ok(last.endsWith('\x1b[K\n'));
  });

  it('throttles redraws to at most one per 100 ms', () => {
    const f = fake(true);
    const p = createProgress({ total: 1000, label: 't', ...f });
    for (let i = 0; i < 1000; i++) {
      f.advance(1); // 1000 ticks over one second
      p.tick();
    }
    assert.ok(f.writes.length <= 11, `${f.writes.length} redraws`);
    assert.ok(f.writes.length >= 9, `${f.writes.length} redraws`);
    p.done();
    assert.ok(f.writes.at(-1)!.includes('1000/1000'));
  });

  it('isTTY option overrides the stream; long lines are cut to the terminal width', () => {
    const f = fake(false, 30);
    const p = createProgress({ total: 2, label: 'a-very-long-label', ...f, isTTY: true });
    f.advance(500);
    p.tick(1, { loss: 1.5 });
    assert.ok(f.writes[0].startsWith('\r'));
    assert.equal(f.writes[0].replace('\r', '').replace('\x1b[K', '').length, 29);
  });
});

describe('progress helpers', () => {
  it('formatDuration', () => {
    assert.equal(formatDuration(5), '0:05');
    assert.equal(formatDuration(65.4), '1:05');
    assert.equal(formatDuration(3 * 3600 + 62), '3:01:02');
    assert.equal(formatDuration(NaN), '?');
  });
  it('rejects a bad total or tick', () => {
    assert.throws(() => createProgress({ total: -1, label: 'x' }), ValueError);
    assert.throws(() => createProgress({ total: 1.5, label: 'x' }), ValueError);
    const f = fake(false);
    assert.throws(() => createProgress({ total: 1, label: 'x', ...f }).tick(-1), ValueError);
  });
});
