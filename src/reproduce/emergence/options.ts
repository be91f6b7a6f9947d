// Option kinds the emergence experiments share: the learner's own table, lists of names, and
// the native backend's threads.
import type { Backend } from '../../backend/types.ts';
import { setNativeThreads } from '../../backend/native/threads.ts';
import { EmergenceLearner } from '../../emergence/learner.ts';
import { ValueError } from '../../errors.ts';
import { describe, integer, type Param } from '../../model/params.ts';

/** The learner's options (checks, defaults, help) that the experiments pick from. */
export const LEARNER_SPEC = EmergenceLearner.optionTable;

/**
 * A comma-separated list of names from `choices` (`what` names one in the message), e.g. the
 * rules of the table's rows.
 */
export function namesFrom<const T extends string>(
  choices: readonly T[],
  what: string,
  dflt: readonly T[],
): Param<T[]> {
  const expects = `a list of ${what}s from ${choices.join(', ')}`;
  return {
    expects,
    flagText: 'texts',
    fallback: () => [...dflt],
    parse: (v, name) => {
      if (!Array.isArray(v) || v.length === 0)
        throw new ValueError(`${name} must be ${expects}, got ${JSON.stringify(v)}`);
      const bad = v.find((n) => !(choices as readonly unknown[]).includes(n));
      if (bad !== undefined)
        throw new ValueError(
          `${name}: unknown ${what} '${String(bad)}'; choose from ${choices.join(', ')}`,
        );
      return v as T[];
    },
  };
}

/** --threads: BLAS threads; the small matrices here (256 × 128) run fastest on one. */
export const THREADS_OPTION = describe(
  integer({ min: 1, max: 1024, default: 1 }),
  'BLAS threads of the native backend (1 is fastest for these small matrices)',
);

/** Applies --threads to the backend the run uses (before anything trains). */
export function useThreads(be: Backend, o: { threads: number }): void {
  setNativeThreads(be, o.threads);
}
