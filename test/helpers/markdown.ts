// Reading markdown the way the docs test needs: the code a reader would type (fenced shell
// blocks and inline code, each with its file:line), the links in the prose, and the anchors
// GitHub gives a page's headings. Only what the docs use; no markdown library.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Command, Option } from 'commander';

/** A piece of code in a markdown file: where it starts (1-based line) and its text. */
export interface Snippet {
  line: number;
  text: string;
}

/** Fenced blocks whose lines are commands a reader may type (`sh`, `console`, no language…). */
const SHELL_FENCE = /^(|sh|bash|shell|console|zsh|text)$/;

export interface Parsed {
  /** Each line of a shell-like fenced block, without its `# comment` (`\` joins lines). */
  fenced: Snippet[];
  /** Each inline code span outside fenced blocks (it may wrap lines; `\|` of tables read as `|`). */
  inline: Snippet[];
  /** The text outside fenced blocks with inline code blanked (same offsets and line breaks). */
  prose: string;
}

function lineAt(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

export function parseMarkdown(md: string): Parsed {
  const lines = md.split('\n');
  const fenced: Snippet[] = [];
  const outside: string[] = [];
  let fence: { marker: string; shell: boolean } | undefined;
  let pending: Snippet | undefined;
  lines.forEach((line, i) => {
    const open = /^\s{0,3}(`{3,}|~{3,})\s*([\w+-]*)/.exec(line);
    if (!fence && open) {
      fence = { marker: open[1], shell: SHELL_FENCE.test(open[2].toLowerCase()) };
      outside.push('');
      return;
    }
    if (fence) {
      if (line.trim().startsWith(fence.marker) && line.trim().replace(/[`~]/g, '') === '') {
        fence = undefined;
      } else if (fence.shell) {
        const part = line.replace(/\\$/, '').replace(/(^|\s)#.*$/, ''); // a comment is prose
        pending = pending
          ? { line: pending.line, text: `${pending.text} ${part}` }
          : { line: i + 1, text: part };
        if (!line.endsWith('\\')) {
          fenced.push(pending);
          pending = undefined;
        }
      }
      outside.push('');
      return;
    }
    outside.push(line);
  });
  if (pending) fenced.push(pending);
  let prose = outside.join('\n');
  const inline: Snippet[] = [];
  // A span may wrap lines but never crosses a blank line (the end of a paragraph).
  for (const m of prose.matchAll(/`([^`\n]+(?:\n[^`\n]+)*?)`/g)) {
    inline.push({
      line: lineAt(prose, m.index),
      text: m[1].replace(/\\\|/g, '|').replace(/\s+/g, ' '),
    });
  }
  prose = prose.replace(/`([^`\n]+(?:\n[^`\n]+)*?)`/g, (s) => s.replace(/[^\n]/g, ' '));
  return { fenced, inline, prose };
}

// ---------------------------------------------------------------------------------------------
// Commands

/** One `hebb …` command line found in a snippet: the words after `hebb`, up to `&&`, `|`, `#`… */
export interface DocCommand {
  line: number;
  words: string[];
}

/**
 * `hebb` as a command word: not part of a path, a package name (`'hebb'`, `npm install hebb`,
 * `npm rebuild hebb`), or `hebb:`.
 */
const HEBB = /(?<![\w./@'"$-])(?<!\b(?:install|i|rebuild|uninstall|add) )hebb(?=[ \t])/g;

export function hebbCommands(snippets: Snippet[]): DocCommand[] {
  const found: DocCommand[] = [];
  for (const s of snippets) {
    for (const m of s.text.matchAll(HEBB)) {
      const rest = s.text.slice(m.index + 'hebb'.length);
      // The command ends at the shell's next command, a pipe, a redirection or a comment.
      const end = rest.search(/&&|\|\||;|\s\|\s|\s#|\s\d?>/);
      const words = (end < 0 ? rest : rest.slice(0, end))
        .split(/\s+/)
        .map((w) => w.replace(/^[[(]+|[\]),.]+$/g, ''))
        .filter((w) => w !== '');
      found.push({ line: s.line, words });
    }
  }
  return found;
}

/** A word that stands for something (`<run>`, `RUN`, `$OUT`, `…`), not a literal command name. */
function isPlaceholder(word: string): boolean {
  return /[<>…${}]|\.\.\./.test(word) || (/^[A-Z][A-Z0-9_|]*$/.test(word) && word.length > 0);
}

const isFlag = (w: string) => /^-[^\d.]/.test(w) && w !== '--';

const optionNames = (o: Option) => [o.long, o.short].filter((n): n is string => !!n);

/**
 * What is wrong with `hebb <words>` against the program: an unknown command word, a flag that
 * is not an option of the command it resolves to (nor of a command above it, nor
 * `--help`/`-h`), or a value outside an option's choices. Placeholders are never wrong.
 */
export function checkCommand(program: Command, words: string[]): string | undefined {
  let cmd = program;
  const path = ['hebb'];
  let i = 0;
  for (; i < words.length && !isFlag(words[i]); i++) {
    const w = words[i];
    // `hebb <command> --help`: nothing literal to check; `hebb softhebb eval RUN`: an argument.
    if (isPlaceholder(w)) {
      if (cmd.commands.length > 0) return undefined;
      break;
    }
    const sub = cmd.commands.find((c) => c.name() === w || c.aliases().includes(w));
    if (sub) {
      cmd = sub;
      path.push(w);
      continue;
    }
    if (cmd.commands.length > 0) {
      const known = cmd.commands.map((c) => c.name()).join(', ');
      return `\`${path.join(' ')}\` has no command '${w}' (it has: ${known})`;
    }
    break; // an argument of a leaf command (a run directory, a spec file…)
  }
  const options = new Map<string, Option>();
  for (let c: Command | null = cmd; c; c = c.parent)
    for (const o of c.options) for (const n of optionNames(o)) options.set(n, o);
  const name = path.join(' ');
  const problems: string[] = [];
  const rest = words.slice(i);
  rest.forEach((w, k) => {
    if (!isFlag(w)) return;
    const [flag, inlineValue] = w.split(/=(.*)/s, 2);
    if (flag === '--help' || flag === '-h') return;
    const o = options.get(flag);
    if (!o) return problems.push(`${flag}: not an option of \`${name}\``);
    // A literal value of an option with a fixed set of choices must be one of them.
    const value = inlineValue ?? (o.required || o.optional ? rest[k + 1] : undefined);
    if (o.argChoices && value !== undefined && !isFlag(value) && !isPlaceholder(value)) {
      if (!o.argChoices.includes(value))
        problems.push(`${flag} ${value}: not one of ${o.argChoices.join(', ')}`);
    }
  });
  if (problems.length === 0) return undefined;
  return `${problems.join('; ')} (see \`${name} --help\`)`;
}

/** A flag named on its own in inline code (`--feature-tol`, `--reps 2`), not in a command. */
export interface FlagMention {
  line: number;
  flag: string;
}

export function flagMentions(inline: Snippet[]): FlagMention[] {
  return inline
    .filter((s) => /^--?[a-zA-Z]/.test(s.text))
    .flatMap((s) =>
      s.text
        .split(/\s+/)
        .map((w) => w.replace(/[\]),.;]+$/, '').split('=')[0])
        .filter((w) => /^--?[a-zA-Z][\w-]*$/.test(w))
        .map((flag) => ({ line: s.line, flag })),
    );
}

/** Every option name (long and short) of the program and all its commands. */
export function allOptionNames(program: Command): Set<string> {
  const names = new Set(['--help', '-h']);
  const walk = (c: Command) => {
    for (const o of c.options) for (const n of optionNames(o)) names.add(n);
    c.commands.forEach(walk);
  };
  walk(program);
  return names;
}

/** A path into the repository named in the text (`src/cli/program.ts`, docs/math/), from its root. */
export interface RepoPath {
  line: number;
  path: string;
}

const REPO_PATH =
  /(?<![\w/.(\]<$-])((?:src|test|docs|bench|scripts|native|web|sweeps|\.ci)\/[\w./-]*[\w/])/g;

/** Paths into the repository's own folders named in prose, inline code or shell lines. */
export function repoPaths(parsed: Parsed): RepoPath[] {
  const out: RepoPath[] = [];
  for (const m of parsed.prose.matchAll(REPO_PATH))
    out.push({ line: lineAt(parsed.prose, m.index), path: m[1] });
  for (const s of [...parsed.fenced, ...parsed.inline])
    for (const m of s.text.matchAll(REPO_PATH)) out.push({ line: s.line, path: m[1] });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Links

export interface DocLink {
  line: number;
  target: string;
}

/** `[text](target)`, `![alt](target)` and `[ref]: target` in the prose (code is not prose). */
export function links(prose: string): DocLink[] {
  const out: DocLink[] = [];
  const inline = /!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]*)>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g;
  for (const m of prose.matchAll(inline)) out.push({ line: lineAt(prose, m.index), target: m[1] });
  for (const m of prose.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/gm))
    out.push({ line: lineAt(prose, m.index), target: m[1] });
  return out;
}

/** GitHub's anchor for a heading: lower case, punctuation and symbols dropped, spaces → `-`. */
export function githubSlug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // a link's text
    .replace(/<[^>]+>/g, '') // inline HTML
    .replace(/[`*]/g, '')
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '').replace(/ /g, '-');
}

/** Every anchor a markdown page has: its headings' slugs (repeats get -1, -2…) and `<a id>`s. */
export function anchors(md: string): Set<string> {
  const { prose } = parseMarkdown(md);
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of prose.matchAll(/^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/gm)) {
    const base = githubSlug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const m of md.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) out.add(m[1]);
  return out;
}

/**
 * What is wrong with a link from `file` (a path under `root`, whose text is `md`): a relative
 * target that does not exist, or an anchor its page does not have. Web addresses and mail
 * links are not checked.
 */
export function checkLink(
  root: string,
  file: string,
  md: string,
  target: string,
): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) return undefined;
  const [pathPart, anchor] = target.split('#', 2) as [string, string | undefined];
  const path = resolve(root, dirname(file), pathPart);
  const shown = pathPart === '' ? file : relative(root, path) || '.';
  if (pathPart !== '' && !existsSync(path)) return `link ${target}: ${shown} does not exist`;
  if (anchor === undefined || anchor === '') return undefined;
  if (pathPart !== '' && (statSync(path).isDirectory() || !path.endsWith('.md'))) return undefined;
  const page = pathPart === '' ? md : readFileSync(path, 'utf8');
  if (anchors(page).has(decodeURIComponent(anchor).toLowerCase())) return undefined;
  return `link ${target}: ${shown} has no heading with the anchor #${anchor}`;
}

/** The markdown files the test reads: README.md and docs/**\/*.md, relative to `root`. */
export function docFiles(root: string): string[] {
  const out = ['README.md'];
  const walk = (dir: string) => {
    for (const name of readdirSync(join(root, dir)).sort()) {
      const rel = join(dir, name);
      if (statSync(join(root, rel)).isDirectory()) walk(rel);
      else if (name.endsWith('.md')) out.push(rel);
    }
  };
  walk('docs');
  return out;
}
