// Option kinds the experiments share (the models' own options come from their tables).
import { DATASET_NAMES } from '../data/index.ts';
import { custom, describe, nearest, show, withDefault, type Param } from '../model/params.ts';
import { ValueError } from '../errors.ts';

/** Text that must not be empty (a path, a name, a URL), described by `expects`. */
export function text(expects: string): Param<string | undefined> {
  return custom(expects, (v: unknown, name: string) => {
    if (typeof v !== 'string' || v.trim() === '')
      throw new ValueError(`${name} must be ${expects}, got ${JSON.stringify(v)}`);
    return v;
  });
}

/** A folder (of a data set, of runs). */
export const directory = () => text('a directory path');

/** A known data set's name (as `hebb data list` shows them); a typo names the near one. */
export function knownDataset(): Param<string | undefined> {
  const known = DATASET_NAMES.join(', ');
  return custom(`one of ${known}`, (v: unknown, name: string) => {
    if (typeof v === 'string' && DATASET_NAMES.includes(v)) return v;
    const near = typeof v === 'string' ? nearest(v, DATASET_NAMES) : undefined;
    throw new ValueError(
      `${name} must be a data set name (${known}), got ${show(v)}${near ? `; did you mean '${near}'?` : ''}`,
    );
  });
}

/** The data set option of a command that trains on one. */
export const dataName = (dflt = 'mnist') => withDefault(knownDataset(), dflt);

/** A model's option as it is, with --help naming its value `placeholder` (e.g. '<γ>'). */
export const named = <P extends Param<unknown>>(p: P, placeholder: string): P =>
  describe(p, p.help ?? '', placeholder);

/** The flag of an option key: seedsPerCell → --seeds-per-cell. */
export const flagName = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
