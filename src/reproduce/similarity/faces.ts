// Sec. 6.2 / Fig. 3: a three-layer locally connected network with feedback on grey faces, and
// each neuron's feature by reverse correlation (the response-weighted mean input), shown only
// on the pixels that can reach the neuron through its feedforward synapses.
import type { Backend } from '../../backend/types.ts';
import { Matrix } from '../../backend/matrix.ts';
import { ValueError } from '../../errors.ts';
import type { Raster } from '../../report/raster.ts';
import { receptiveFieldGrid } from '../../report/image-grid.ts';
import { cost } from '../../similarity/dynamics.ts';
import { SimilarityNetwork } from '../../similarity/network.ts';
import type { LayerSpec } from '../../similarity/structure.ts';

/** The paper's 64×64 geometry: strides 2, 4, 8 and radii 8, 12, 24 image pixels per layer. */
const PAPER_SIDE = 64;
const PAPER_RADII = [8, 12, 24];

/**
 * The three layers for square images of side `side`, one neuron per site, feedforward and
 * lateral radii equal (as in the paper). At 64 px this is the paper's network exactly (32×32,
 * 16×16 and 8×8 sites = 1024, 256, 64 neurons). Smaller images get the geometry scaled by
 * side/64: radii scaled in pixels; the first stride becomes 1 below 48 px (a stride of 2·side/64
 * < 1.5 px would not be an integer), each later layer halves the grid as in the paper.
 * Radii of layers 2 and 3 are given in units of the grid below, as the layers see it.
 */
export function facesLayers(side: number): LayerSpec[] {
  if (!Number.isInteger(side) || side < 8) {
    throw new ValueError(`facesLayers: images must be square with a side ≥ 8 px, got ${side}`);
  }
  const k = side / PAPER_SIDE;
  const first = side >= 48 ? 2 : 1;
  const strides = [first, 2 * first, 4 * first]; // in image pixels
  return PAPER_RADII.map((r, p) => {
    const unit = p === 0 ? 1 : strides[p - 1]; // pixel size of the grid below
    const radius = (r * k) / unit;
    return {
      type: 'local' as const,
      stride: p === 0 ? first : 2,
      radius,
      nps: 1,
      lateralRadius: radius,
    };
  });
}

/** Each image standardised on its own: mean 0, standard deviation 1 (flat images stay 0). */
export function standardiseImages(x: Matrix): Matrix {
  const out = x.clone();
  for (let i = 0; i < x.rows; i++) {
    const row = out.row(i);
    let m = 0;
    for (const v of row) m += v;
    m /= row.length;
    let v2 = 0;
    for (const v of row) v2 += (v - m) ** 2;
    const sd = Math.sqrt(v2 / row.length);
    for (let j = 0; j < row.length; j++) row[j] = sd > 0 ? (row[j] - m) / sd : 0;
  }
  return out;
}

/**
 * Which input pixels reach each neuron of layer `layer` through feedforward synapses
 * (layer × input, row-major, 1 = reaches): the part of the image a neuron can respond to.
 */
export function feedforwardReach(net: SimilarityNetwork, layer: number): Uint8Array {
  let reach: Uint8Array | null = null; // units of the layer below × inputs
  const K = net.inputs;
  for (let p = 0; p <= layer; p++) {
    const { map } = net.layers[p].ff;
    const n = map.unitsPerSite;
    const N = map.sites * n;
    const next = new Uint8Array(N * K);
    for (let s = 0; s < map.sites; s++) {
      const row = new Uint8Array(K);
      for (let j = map.offsets[s]; j < map.offsets[s + 1]; j++) {
        const i = map.indices[j];
        if (reach === null) row[i] = 1;
        else {
          const src = reach.subarray(i * K, (i + 1) * K);
          for (let k = 0; k < K; k++) row[k] |= src[k];
        }
      }
      for (let u = 0; u < n; u++) next.set(row, (s * n + u) * K);
    }
    reach = next;
  }
  return reach!;
}

/**
 * Reverse correlation: feature_j = Σ_t r_tj x_t / Σ_t r_tj for the responses r (images × units
 * of layer `layer`, at the network's fixed points), zero for a neuron that never responds,
 * masked to the neuron's feedforward reach. Also each unit's mean response.
 */
export function reverseCorrelation(
  net: SimilarityNetwork,
  x: Matrix,
  r: Matrix,
  layer: number,
): { features: Matrix; meanResponse: Float32Array } {
  const b = net.backend;
  const N = r.cols;
  const sta = Matrix.zeros(N, x.cols);
  b.gemm(true, false, 1, r, x, 0, sta);
  const total = new Float32Array(N);
  b.sum(r, 0, total);
  b.scaleRows(
    sta,
    total.map((t) => (t > 0 ? 1 / t : 0)),
  );
  const reach = feedforwardReach(net, layer);
  for (let i = 0; i < sta.data.length; i++) if (!reach[i]) sta.data[i] = 0;
  return { features: sta, meanResponse: total.map((t) => t / x.rows) };
}

/** Every layer's fixed points for the rows of x, solved in chunks. */
export function fixedPoints(net: SimilarityNetwork, x: Matrix, chunk = 500): Matrix[] {
  const out = Array.from({ length: net.depth }, (_, p) => Matrix.zeros(x.rows, net.units(p)));
  for (let i = 0; i < x.rows; i += chunk) {
    const res = net.solve(x.sliceRows(i, Math.min(i + chunk, x.rows)));
    res.r.forEach((m, p) => out[p].data.set(m.data, i * out[p].cols));
  }
  return out;
}

/**
 * Features of the neurons on a centred block of the layer's grid, each cut to a window of
 * the image around its reach (the same size for all), tiled in grid order.
 */
export function featureFigure(
  net: SimilarityNetwork,
  layer: number,
  features: Matrix,
  side: number,
  block: number,
): Raster {
  const g = net.layers[layer].grid;
  if (!g) throw new ValueError('featureFigure: the layer has no site grid');
  const reach = feedforwardReach(net, layer);
  const K = side * side;
  const n = Math.min(block, g.rows, g.cols);
  const [r0, c0] = [Math.floor((g.rows - n) / 2), Math.floor((g.cols - n) / 2)];
  // The window: the largest reach bounding box among the chosen neurons, centred on each.
  const units: number[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) units.push((r0 + i) * g.cols + c0 + j);
  let size = 1;
  const boxes = units.map((u) => {
    let [y0, y1, x0, x1] = [side, -1, side, -1];
    for (let k = 0; k < K; k++) {
      if (!reach[u * K + k]) continue;
      const [y, xx] = [Math.floor(k / side), k % side];
      [y0, y1, x0, x1] = [Math.min(y0, y), Math.max(y1, y), Math.min(x0, xx), Math.max(x1, xx)];
    }
    size = Math.max(size, y1 - y0 + 1, x1 - x0 + 1);
    return { cy: (y0 + y1) / 2, cx: (x0 + x1) / 2 };
  });
  const tiles = Matrix.zeros(units.length, size * size);
  const present = Matrix.zeros(units.length, size * size);
  units.forEach((u, t) => {
    const ya = Math.round(boxes[t].cy - (size - 1) / 2);
    const xa = Math.round(boxes[t].cx - (size - 1) / 2);
    for (let y = 0; y < size; y++)
      for (let xx = 0; xx < size; xx++) {
        const [iy, ix] = [ya + y, xa + xx];
        if (iy < 0 || ix < 0 || iy >= side || ix >= side) continue;
        tiles.data[t * size * size + y * size + xx] = features.data[u * K + iy * side + ix];
        present.data[t * size * size + y * size + xx] = reach[u * K + iy * side + ix] ? 1 : 0;
      }
  });
  return receptiveFieldGrid(tiles, {
    height: size,
    width: size,
    columns: n,
    signed: true,
    present,
    scale: Math.max(1, Math.round(48 / size)),
    padding: 1,
  });
}

export interface FacesOptions {
  /** Feedback strength γ (the paper's figure: 0.01). */
  gamma: number;
  epochs: number;
  batchSize: number;
  /** Per-layer rate factors (default 1 each: see docs/math/similarity-matching.md). */
  layerRates?: number[];
  /** Per-layer α of the decorrelating regulariser (homeostatic thresholds); default none. */
  homeostasis?: number[];
  seed: number;
  backend: Backend;
}

/** The faces network for images of side `side`, untrained. */
export function facesNetwork(side: number, o: FacesOptions): SimilarityNetwork {
  return new SimilarityNetwork({
    input: [side, side, 1],
    layers: facesLayers(side),
    activation: 'clip',
    feedback: o.gamma,
    layerRates: o.layerRates ?? [1, 1, 1],
    homeostasis: o.homeostasis,
    batchSize: o.batchSize,
    epochs: o.epochs,
    seed: o.seed,
    backend: o.backend,
  });
}

/** Per-pixel mean of the rows (the average face), to centre the data with. */
export function pixelMean(x: Matrix, backend: Backend): Float32Array {
  const m = new Float32Array(x.cols);
  backend.sum(x, 0, m);
  return m.map((v) => v / Math.max(x.rows, 1));
}

export interface FacesLayerSummary {
  layer: number;
  units: number;
  grid: string;
  /** Neurons with a mean response above 1e-3. */
  active: number;
  meanResponse: number;
  /** Fraction of responses at the activation's cap (r = 1). */
  saturated: number;
}

export interface FacesResult {
  net: SimilarityNetwork;
  cost: { samples: number[]; cost: number[] };
  layers: FacesLayerSummary[];
  features: Matrix[];
  trainSeconds: number;
  meanSteps: number;
}

/**
 * Trains the faces network on x (already standardised and centred), tracking the cost (Eq. 13)
 * on a held-out set after every epoch, then computes every layer's features by reverse
 * correlation on up to `rfImages` of the training images.
 */
export async function runFaces(
  x: Matrix,
  heldOut: Matrix,
  side: number,
  o: FacesOptions & {
    rfImages: number;
    log: (s: string) => void;
    signal?: AbortSignal;
  },
): Promise<FacesResult> {
  const net = facesNetwork(side, o);
  const curve = { samples: [0], cost: [cost(net, heldOut)] };
  const t0 = performance.now();
  let batches = 0;
  let last = t0;
  await net.fitAsync(x, {
    signal: o.signal,
    onProgress: (p) => {
      batches++;
      if (performance.now() - last > 30000) {
        last = performance.now();
        o.log(`  γ = ${o.gamma}, epoch ${p.epoch}: ${p.done}/${p.total} images`);
      }
    },
    onEpoch: (e) => {
      curve.samples.push(e * x.rows);
      curve.cost.push(cost(net, heldOut));
    },
  });
  const trainSeconds = (performance.now() - t0) / 1000;
  const meanSteps = net.eulerSteps / Math.max(batches, 1);
  const xr = x.sliceRows(0, Math.min(x.rows, o.rfImages));
  const layers: FacesLayerSummary[] = [];
  const features: Matrix[] = [];
  const responses = fixedPoints(net, xr);
  for (let p = 0; p < net.depth; p++) {
    const r = responses[p];
    const rc = reverseCorrelation(net, xr, r, p);
    let sat = 0;
    for (const v of r.data) if (v >= 1) sat++;
    const g = net.layers[p].grid!;
    layers.push({
      layer: p + 1,
      units: net.units(p),
      grid: `${g.rows}×${g.cols}`,
      active: rc.meanResponse.filter((v) => v > 1e-3).length,
      meanResponse: rc.meanResponse.reduce((a, b) => a + b, 0) / rc.meanResponse.length,
      saturated: sat / r.data.length,
    });
    features.push(rc.features);
  }
  return { net, cost: curve, layers, features, trainSeconds, meanSteps };
}
