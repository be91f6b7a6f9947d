// Option kinds the experiments share (the models' own options come from their tables).
import { custom, withDefault, type Param } from '../model/params.ts';
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

/** A data set's name as `hebb data list` shows them (loadDataset says which exist). */
export const dataName = (dflt = 'mnist') => withDefault(text('a data set name'), dflt);
