// The docs stay true to the code: every `hebb …` command they show (in shell blocks and inline
// code, README.md and docs/**) names commands and flags the CLI has, and every relative link
// leads to a file (and a heading, for `#anchor`) that exists. Failures are listed all at once,
// each with its file:line. The program is built in memory (createProgram); nothing is spawned.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { memoryIO } from '../../src/cli/io.ts';
import { createProgram } from '../../src/cli/program.ts';
import {
  allOptionNames,
  checkCommand,
  checkLink,
  docFiles,
  flagMentions,
  githubSlug,
  hebbCommands,
  links,
  parseMarkdown,
  repoPaths,
} from '../helpers/markdown.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const program = createProgram(memoryIO());

/** Every problem with the commands in one markdown text, as `file:line: …`. */
function commandProblems(file: string, md: string): { problems: string[]; checked: number } {
  const { fenced, inline } = parseMarkdown(md);
  const commands = hebbCommands([...fenced, ...inline]);
  const problems = commands.flatMap((c) => {
    const p = checkCommand(program, c.words);
    return p ? [`${file}:${c.line}: hebb ${c.words.join(' ')}\n    ${p}`] : [];
  });
  return { problems, checked: commands.length };
}

const optionNames = allOptionNames(program);
/** The sources of the other tools the docs name flags of (`npm run bench -- … --reps 2`). */
const toolSources = ['bench', 'scripts']
  .flatMap((d) => readdirSync(`${root}${d}`).map((f) => `${root}${d}/${f}`))
  .filter((f) => /\.(ts|mjs)$/.test(f))
  .map((f) => readFileSync(f, 'utf8'))
  .join('\n');

/** Flags named on their own that no hebb command takes and no bench or build script reads. */
function flagProblems(file: string, md: string): { problems: string[]; checked: number } {
  const found = flagMentions(parseMarkdown(md).inline);
  const problems = found
    .filter(({ flag }) => !optionNames.has(flag))
    .filter(({ flag }) => !new RegExp(`${flag}(?![\\w-])`).test(toolSources))
    .map(({ line, flag }) => `${file}:${line}: ${flag}: no hebb command, bench or script takes it`);
  return { problems, checked: found.length };
}

const scripts = new Set(
  Object.keys(JSON.parse(readFileSync(`${root}package.json`, 'utf8')).scripts as object),
);
/** The benchmarks `npm run bench -- NAME` runs: the keys of bench/main.ts's BENCHES table. */
const benches = new Set(
  [...readFileSync(`${root}bench/main.ts`, 'utf8').matchAll(/^\s*'?([\w-]+)'?: bench\w+,/gm)].map(
    (m) => m[1],
  ),
);

/** `npm run X` that package.json lacks, `npm run bench -- x` that bench/main.ts lacks (`NAME`
 * and other capitals are placeholders). */
function npmProblems(file: string, md: string): { problems: string[]; checked: number } {
  const { fenced, inline } = parseMarkdown(md);
  let checked = 0;
  const problems = [...fenced, ...inline].flatMap((s) =>
    [...s.text.matchAll(/(?<![\w-])npm run ([\w:-]+)(?: -- ([a-z][\w-]*))?/g)].flatMap((m) => {
      checked++;
      if (!scripts.has(m[1]))
        return [`${s.line}: npm run ${m[1]}: package.json has no such script`];
      if (m[1] === 'bench' && m[2] && !benches.has(m[2]))
        return [`${s.line}: npm run bench -- ${m[2]}: bench/main.ts has no such benchmark`];
      return [];
    }),
  );
  return { problems: problems.map((p) => `${file}:${p}`), checked };
}

/** Paths into the repository (`src/…`, `docs/…`, `sweeps/…`) that do not exist. */
function pathProblems(file: string, md: string): { problems: string[]; checked: number } {
  const found = repoPaths(parseMarkdown(md));
  const problems = found
    .filter(({ path }) => !existsSync(`${root}${path}`))
    .map(({ line, path }) => `${file}:${line}: ${path} does not exist`);
  return { problems, checked: found.length };
}

/** Every problem with the relative links in one markdown text, as `file:line: …`. */
function linkProblems(file: string, md: string): { problems: string[]; checked: number } {
  const found = links(parseMarkdown(md).prose);
  const problems = found.flatMap((l) => {
    const p = checkLink(root, file, md, l.target);
    return p ? [`${file}:${l.line}: ${p}`] : [];
  });
  return { problems, checked: found.length };
}

const files = docFiles(root);

describe('docs', () => {
  it('reads README.md and every page under docs/', () => {
    assert.ok(files.includes('README.md') && files.includes('docs/cli.md'), files.join(', '));
    assert.ok(
      files.some((f) => f.startsWith('docs/math/')),
      files.join(', '),
    );
  });

  it('shows only hebb commands and flags that exist', () => {
    let checked = 0;
    const problems = files.flatMap((f) => {
      const r = commandProblems(f, readFileSync(`${root}${f}`, 'utf8'));
      checked += r.checked;
      return r.problems;
    });
    assert.ok(
      checked > 50,
      `only ${checked} hebb commands found in the docs: is the parser blind?`,
    );
    assert.equal(problems.length, 0, `\n${problems.join('\n')}`);
  });

  it('names on their own only flags that some command takes', () => {
    let checked = 0;
    const problems = files.flatMap((f) => {
      const r = flagProblems(f, readFileSync(`${root}${f}`, 'utf8'));
      checked += r.checked;
      return r.problems;
    });
    assert.ok(checked > 50, `only ${checked} flags found in the docs: is the parser blind?`);
    assert.equal(problems.length, 0, `\n${problems.join('\n')}`);
  });

  it('runs only npm scripts and benchmarks that exist', () => {
    assert.ok(benches.has('gemm'), `bench/main.ts's benchmarks not found: ${[...benches]}`);
    let checked = 0;
    const problems = files.flatMap((f) => {
      const r = npmProblems(f, readFileSync(`${root}${f}`, 'utf8'));
      checked += r.checked;
      return r.problems;
    });
    assert.ok(checked > 20, `only ${checked} npm commands found in the docs: is the parser blind?`);
    assert.equal(problems.length, 0, `\n${problems.join('\n')}`);
  });

  it('names only source files and folders that exist', () => {
    let checked = 0;
    const problems = files.flatMap((f) => {
      const r = pathProblems(f, readFileSync(`${root}${f}`, 'utf8'));
      checked += r.checked;
      return r.problems;
    });
    assert.ok(checked > 50, `only ${checked} paths found in the docs: is the parser blind?`);
    assert.equal(problems.length, 0, `\n${problems.join('\n')}`);
  });

  it('links only to files and headings that exist', () => {
    let checked = 0;
    const problems = files.flatMap((f) => {
      const r = linkProblems(f, readFileSync(`${root}${f}`, 'utf8'));
      checked += r.checked;
      return r.problems;
    });
    assert.ok(checked > 10, `only ${checked} links found in the docs: is the parser blind?`);
    assert.equal(problems.length, 0, `\n${problems.join('\n')}`);
  });
});

describe('the docs checks bite', () => {
  const page = [
    '# A page',
    '',
    '```sh',
    'npx hebb softhebb train --units 400 --bogus-flag 3   # a comment --not-a-flag',
    'npx hebb reproduce sm-toyy --quick',
    'npx hebb reproduce softhebb-conv --dataset cifar-10 --wta hard --norm=l2',
    'npx hebb data fetch lfw && npx hebb reproduce sm-faces --data lfw --nps 4',
    '```',
    '',
    'Inline: `hebb softhebb eval RUN --readout linear --no-such` and `hebb <command> --help`,',
    'wrapped: `npx hebb reproduce',
    'sm-mnist --seedz 1`; not commands: `hebb: failed`, `hebb/report`, `HEBB_BACKEND=ts`, `npm install hebb vega`, `npm rebuild hebb x`.',
    'Flags: `--feature-tol` takes a list, `--reps 2` (bench), `--gone-flag`.',
    '`npm run demo`, `npm run bench -- gemm`, `npm run bench -- gemmm`, `npm run docs`.',
    'Code: `src/cli/program.ts`, `src/cli/gone.ts` and src/reproduce/similarity/, docs/gone/.',
    '',
    'See [the CLI](cli.md), [a page](missing.md), [flags](cli.md#flags-every-experiment-takes),',
    '[nothing](cli.md#no-such-heading), [here](#a-page), [not here](#b-page) and',
    '[web](https://example.org/x.md).',
  ].join('\n');

  it('names an unknown command, flag or choice, with its file:line', () => {
    const { problems, checked } = commandProblems('docs/page.md', page);
    assert.equal(checked, 8);
    const see = (c: string) => ` (see \`hebb ${c} --help\`)`;
    assert.deepEqual(
      problems.map((p) => p.replace(/\n\s+/, ' → ')),
      [
        'docs/page.md:4: hebb softhebb train --units 400 --bogus-flag 3 → --bogus-flag: not an option of `hebb softhebb train`' +
          see('softhebb train'),
        "docs/page.md:5: hebb reproduce sm-toyy --quick → `hebb reproduce` has no command 'sm-toyy' (it has: " +
          program.commands
            .find((c) => c.name() === 'reproduce')!
            .commands.map((c) => c.name())
            .join(', ') +
          ')',
        'docs/page.md:6: hebb reproduce softhebb-conv --dataset cifar-10 --wta hard --norm=l2 → --dataset cifar-10: not one of mnist, fashion-mnist, cifar10; --norm: not an option of `hebb reproduce softhebb-conv`' +
          see('reproduce softhebb-conv'),
        'docs/page.md:7: hebb reproduce sm-faces --data lfw --nps 4 → --nps: not an option of `hebb reproduce sm-faces`' +
          see('reproduce sm-faces'),
        'docs/page.md:10: hebb softhebb eval RUN --readout linear --no-such → --no-such: not an option of `hebb softhebb eval`' +
          see('softhebb eval'),
        'docs/page.md:11: hebb reproduce sm-mnist --seedz 1 → --seedz: not an option of `hebb reproduce sm-mnist`' +
          see('reproduce sm-mnist'),
      ],
    );
  });

  it('names a flag that no command takes, with its file:line', () => {
    const { problems, checked } = flagProblems('docs/page.md', page);
    assert.equal(checked, 3);
    assert.deepEqual(problems, [
      'docs/page.md:13: --gone-flag: no hebb command, bench or script takes it',
    ]);
  });

  it('names an npm script or benchmark that does not exist, with its file:line', () => {
    const { problems, checked } = npmProblems('docs/page.md', page);
    assert.equal(checked, 4);
    assert.deepEqual(problems, [
      'docs/page.md:14: npm run bench -- gemmm: bench/main.ts has no such benchmark',
      'docs/page.md:14: npm run docs: package.json has no such script',
    ]);
  });

  it('names a source path that does not exist, with its file:line', () => {
    const { problems, checked } = pathProblems('docs/page.md', page);
    assert.equal(checked, 4);
    assert.deepEqual(problems.sort(), [
      'docs/page.md:15: docs/gone/ does not exist',
      'docs/page.md:15: src/cli/gone.ts does not exist',
    ]);
  });

  it('names a missing file or heading, with its file:line', () => {
    const { problems, checked } = linkProblems('docs/page.md', page);
    assert.equal(checked, 7);
    assert.deepEqual(problems, [
      'docs/page.md:17: link missing.md: docs/missing.md does not exist',
      'docs/page.md:18: link cli.md#no-such-heading: docs/cli.md has no heading with the anchor #no-such-heading',
      'docs/page.md:18: link #b-page: docs/page.md has no heading with the anchor #b-page',
    ]);
  });

  it("makes GitHub's anchors", () => {
    assert.equal(githubSlug('Ctrl-C, failures and exit codes'), 'ctrl-c-failures-and-exit-codes');
    assert.equal(githubSlug('`hebb sweep report SPEC`'), 'hebb-sweep-report-spec');
    assert.equal(
      githubSlug('Structured and deep similarity matching (Obeid, Ocko, Pehlevan)'),
      'structured-and-deep-similarity-matching-obeid-ocko-pehlevan',
    );
    assert.equal(
      githubSlug('Convolutional SoftHebb (Sec. 3.4, Appendix D.1)'),
      'convolutional-softhebb-sec-34-appendix-d1',
    );
  });
});
