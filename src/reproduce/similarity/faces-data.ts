// The faces of `hebb reproduce sm-faces`: LFW (64×64) or skimage's LFW subset (25×25), each
// image standardised and the set centred by its average face.
import { Matrix } from '../../backend/matrix.ts';
import { Rng } from '../../backend/index.ts';
import type { Backend } from '../../backend/types.ts';
import { findLfw, findLfwSubset, lfw, lfwSubset } from '../../data/lfw.ts';
import { HebbError } from '../../errors.ts';
import { pixelMean, standardiseImages } from './faces.ts';

export interface FacesData {
  name: 'lfw' | 'lfw-subset';
  side: number;
  train: Matrix;
  heldOut: Matrix;
  /** Epochs when --epochs is not given: one pass over LFW, 20 over the 90 subset faces. */
  epochs: number;
}

export interface FacesDataOptions {
  data: 'auto' | 'lfw' | 'lfw-subset';
  dataDir?: string;
  /** Training images: a seeded subset of this many (default all). */
  images?: number;
  pixelStd: number;
  seed: number;
}

/**
 * Grey faces, each standardised to mean 0 and standard deviation `pixelStd`, then centred by
 * the training set's average face so that reverse correlation shows what a neuron prefers
 * over the average. The scale matters with f = clip(u, 0, 1): similarity matching makes
 * outputs as large as inputs, and at std 1 most deep neurons sit at the cap (measured on
 * lfw-subset: 85 % of layer-3 responses at 1, against 50 % at std 0.25).
 */
export function loadFaces(f: FacesDataOptions, backend: Backend): FacesData {
  if (f.data === 'auto' && !findLfw(f.dataDir) && !findLfwSubset(f.dataDir)) {
    throw new HebbError(
      'sm-faces: no faces found — neither LFW (`hebb data fetch lfw`, 181 MB) nor the 200-image lfw-subset (Debian python3-skimage); get one, or pass --data-dir',
    );
  }
  const which = f.data === 'auto' ? (findLfw(f.dataDir) ? 'lfw' : 'lfw-subset') : f.data;
  let name: FacesData['name'];
  let train: Matrix;
  let test: Matrix;
  let side: number;
  if (which === 'lfw') {
    const s = lfw({ dir: f.dataDir });
    [name, train, test, side] = ['lfw', s.train.x, s.test.x, s.train.shape[0]];
  } else {
    const s = lfwSubset({ dir: f.dataDir });
    const faces = (ds: typeof s.train) =>
      ds.x.gatherRows(Array.from(ds.y).flatMap((y, i) => (y === 0 ? [i] : [])));
    [name, train, test, side] = ['lfw-subset', faces(s.train), faces(s.test), s.train.shape[0]];
  }
  if (f.images !== undefined && f.images < train.rows) {
    const order = new Rng(f.seed, backend).permutation(train.rows);
    train = train.gatherRows(order.subarray(0, f.images));
  }
  const x = standardiseImages(train);
  const h = standardiseImages(test);
  const mean = pixelMean(x, backend);
  backend.addRowVector(x, mean, -1);
  backend.addRowVector(h, mean, -1);
  backend.scale(f.pixelStd, x);
  backend.scale(f.pixelStd, h);
  return { name, side, train: x, heldOut: h, epochs: name === 'lfw' ? 1 : 20 };
}
