import type { Backend } from '../backend/types.ts';
import { Matrix } from '../backend/matrix.ts';
import { Rng } from '../backend/rng.ts';
import { subset, type Dataset } from '../data/dataset.ts';
import { ValueError } from '../errors.ts';
import { checkActivation, BiasFreeMlp, type HiddenActivation } from './network.ts';

/** Inputs and targets of one split: regression targets (N × D) or class labels. */
export interface TaskSplit {
  /** The inputs, one sample per row. */
  x: Matrix;
  /** Regression targets (N × D) or class labels (length N). */
  y: Matrix | Uint8Array;
}

/** A learning problem for the emergence experiments: its training and validation data. */
export interface Task {
  /** Its name in reports, e.g. 'regression' or a data set's name. */
  name: string;
  /** Regression (MSE on Matrix targets) or classification (cross-entropy on labels). */
  kind: 'regression' | 'classification';
  /** Input features per sample. */
  inputDim: number;
  /** Output dimension (classification: number of classes). */
  outputDim: number;
  /** The training data. */
  train: TaskSplit;
  /** The validation data. */
  val: TaskSplit;
}

/** Options of studentTeacherTask; STUDENT_TEACHER_DEFAULTS holds the defaults. */
export interface StudentTeacherOptions {
  /** Input and output dimension (the paper: 32). */
  dim?: number;
  /** Training samples (default 20000). */
  train?: number;
  /** Validation samples (default 2000). */
  val?: number;
  /** Teacher: dim → teacherWidth → dim, hidden activation teacherActivation. */
  teacherWidth?: number;
  /** The teacher's hidden activation (default tanh). */
  teacherActivation?: HiddenActivation;
  /** Std of Gaussian noise added to the teacher's outputs (default 0: realisable). */
  labelNoise?: number;
  /** Seed of the data (inputs, teacher, noise); fixed across the student seeds of a table. */
  seed?: number;
}

/** The defaults of StudentTeacherOptions. */
export const STUDENT_TEACHER_DEFAULTS = {
  /** Input and output dimension. */
  dim: 32,
  /** Training samples. */
  train: 20000,
  /** Validation samples. */
  val: 2000,
  /** The teacher's hidden width. */
  teacherWidth: 32,
  /** The teacher's hidden activation. */
  teacherActivation: 'tanh' as HiddenActivation,
  /** Std of the noise on the teacher's outputs. */
  labelNoise: 0,
  /** Seed of the data. */
  seed: 0,
};

/**
 * Student–teacher regression (docs/math/emergence.md): x ~ N(0, I_dim), y = T(x) + noise with T a random
 * bias-free MLP dim → teacherWidth → dim (weights N(0, 1/fan-in), the same init as a student),
 * so targets have unit-order scale and a student of the same family can fit them exactly.
 */
export function studentTeacherTask(be: Backend, opts: StudentTeacherOptions = {}): Task {
  const o = { ...STUDENT_TEACHER_DEFAULTS, ...opts };
  for (const k of ['dim', 'train', 'val', 'teacherWidth'] as const) {
    if (!Number.isInteger(o[k]) || o[k] < 1) {
      throw new ValueError(`studentTeacherTask: ${k} must be a positive integer, got ${o[k]}`);
    }
  }
  checkActivation(o.teacherActivation, 'studentTeacherTask');
  if (!(o.labelNoise >= 0)) {
    throw new ValueError(`studentTeacherTask: labelNoise must be ≥ 0, got ${o.labelNoise}`);
  }
  const rng = new Rng(o.seed, be);
  const n = o.train + o.val;
  const teacher = new BiasFreeMlp([o.dim, o.teacherWidth, o.dim], o.teacherActivation, n, be);
  teacher.init(rng.fork(0));
  rng.fork(1).normal(teacher.a[0].data);
  teacher.forward();
  const y = teacher.output.clone();
  if (o.labelNoise > 0) {
    const eps = rng.fork(2).normal(y.size, 0, o.labelNoise);
    be.axpy(1, new Matrix(y.rows, y.cols, eps), y);
  }
  const x = teacher.a[0];
  return {
    name: 'regression',
    kind: 'regression',
    inputDim: o.dim,
    outputDim: o.dim,
    train: { x: x.sliceRows(0, o.train), y: y.sliceRows(0, o.train) },
    val: { x: x.sliceRows(o.train, n), y: y.sliceRows(o.train, n) },
  };
}

/**
 * A classification task from an image data set: flattened pixels as inputs, a random subset
 * of `train` training and `val` test images (all when undefined), chosen by `seed`.
 */
export function classificationTask(
  name: string,
  split: { train: Dataset; test: Dataset },
  opts: { train?: number; val?: number; seed?: number } = {},
): Task {
  const seed = opts.seed ?? 0;
  const tr = opts.train === undefined ? split.train : subset(split.train, opts.train, seed);
  const te = opts.val === undefined ? split.test : subset(split.test, opts.val, seed + 1);
  return {
    name,
    kind: 'classification',
    inputDim: tr.x.cols,
    outputDim: tr.classes.length,
    train: { x: tr.x, y: tr.y },
    val: { x: te.x, y: te.y },
  };
}
