// MNIST patches for the classic-rules tab: 8 × 8 windows cut at random from the page's MNIST
// subset, centred, with their leading principal axes from PCA (hebb/features) to compare with.
import { getBackend, Matrix, PCA, Rng } from '../../src/browser.ts';
import { readSubset } from './mnist-subset.ts';

export const PATCH = 8;
const COUNT = 20_000;
/** Principal axes computed for comparison (Sanger's units in this mode). */
export const AXES = 8;

export interface Patches {
  /** COUNT × 64 centred patches. */
  x: Matrix;
  /** AXES × 64: the patches' leading principal axes, largest variance first. */
  axes: Matrix;
}

export async function loadPatches(): Promise<Patches> {
  const url = new URL('mnist-subset.bin', document.baseURI).href;
  const res = await fetch(url);
  if (!res.ok)
    throw new Error(`${url}: HTTP ${res.status}; build the page's assets with npm run web:build`);
  const { train } = readSubset(await res.arrayBuffer());
  const rng = new Rng(3, getBackend('ts'));
  const x = new Matrix(COUNT, PATCH * PATCH);
  const u = rng.uniform(3 * COUNT);
  for (let i = 0; i < COUNT; i++) {
    const img = train.x.row(Math.floor(u[3 * i] * train.x.rows));
    const [r0, c0] = [Math.floor(u[3 * i + 1] * 21), Math.floor(u[3 * i + 2] * 21)];
    for (let r = 0; r < PATCH; r++)
      for (let c = 0; c < PATCH; c++) x.data[i * 64 + r * PATCH + c] = img[(r0 + r) * 28 + c0 + c];
  }
  // centred here, so the rules start from the first sample (center: false)
  const mean = new Float32Array(64);
  for (let i = 0; i < COUNT; i++) for (let j = 0; j < 64; j++) mean[j] += x.data[i * 64 + j];
  for (let i = 0; i < COUNT; i++)
    for (let j = 0; j < 64; j++) x.data[i * 64 + j] -= mean[j] / COUNT;
  const axes = new PCA({ components: AXES, seed: 0 }).fit(x).components;
  return { x, axes };
}

/** Rows of w as 8 × 8 tiles side by side, `zoom` pixels a weight, each in grey around its own 0. */
export function drawTiles(
  ctx: CanvasRenderingContext2D,
  w: Matrix,
  top: number,
  zoom: number,
): void {
  const side = PATCH * zoom;
  for (let k = 0; k < w.rows; k++) {
    const row = w.row(k);
    const m = Math.max(1e-12, ...Array.from(row, Math.abs));
    for (let p = 0; p < 64; p++) {
      const g = Math.round(127.5 + (127.5 * row[p]) / m);
      ctx.fillStyle = `rgb(${g},${g},${g})`;
      ctx.fillRect(
        k * (side + 6) + (p % PATCH) * zoom,
        top + Math.floor(p / PATCH) * zoom,
        zoom,
        zoom,
      );
    }
  }
}
