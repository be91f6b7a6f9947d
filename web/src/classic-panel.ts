// The classic-rules tab: Oja's rule, Sanger's GHA or competitive learning learns a few samples
// per frame (partialFit), from a 2-D point cloud — its weight vectors drawn live against the
// cloud's principal axes (the eigenvectors of its 2 × 2 covariance, in closed form) — or from
// MNIST patches, its units drawn as tiles above PCA's axes.
import { getBackend, Matrix, Rng } from '../../src/browser.ts';
import { CompetitiveLearning, Oja, Sanger } from '../../src/classic/index.ts';
import { AXES, drawTiles, loadPatches, type Patches } from './classic-patches.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const POINTS = 800;
const TILE_ZOOM = 6;
const PATCHES_HEIGHT = 160;
/** Samples per step: a larger batch on the patches steadies their many smaller-variance axes. */
const batch = (patches: boolean) => (patches ? 32 : 8);
const COLOURS = ['#d0452f', '#2c7a3f', '#7b3fb0', '#c98a12'];

type Rule = 'sanger' | 'oja' | 'competitive';
type Learner = Sanger | Oja | CompetitiveLearning;

/** A centred cloud stretched `ratio` : 1 along the direction `degrees`. */
function cloud(degrees: number, ratio: number, seed: number): Matrix {
  const z = new Rng(seed, getBackend('ts')).normal(POINTS * 2);
  const [c, s] = [Math.cos((degrees * Math.PI) / 180), Math.sin((degrees * Math.PI) / 180)];
  const x = new Matrix(POINTS, 2);
  for (let i = 0; i < POINTS; i++) {
    const [u, v] = [ratio * z[2 * i], z[2 * i + 1]];
    x.data[2 * i] = c * u - s * v;
    x.data[2 * i + 1] = s * u + c * v;
  }
  return x;
}

/** Directions (radians) of the major and minor axes of the points' covariance, in closed form. */
function principalAxes(x: Matrix): [number, number] {
  let [a, b, c, mx, my] = [0, 0, 0, 0, 0];
  for (let i = 0; i < x.rows; i++) [mx, my] = [mx + x.data[2 * i], my + x.data[2 * i + 1]];
  [mx, my] = [mx / x.rows, my / x.rows];
  for (let i = 0; i < x.rows; i++) {
    const [u, v] = [x.data[2 * i] - mx, x.data[2 * i + 1] - my];
    [a, b, c] = [a + u * u, b + v * v, c + u * v];
  }
  const major = 0.5 * Math.atan2(2 * c, a - b);
  return [major, major + Math.PI / 2];
}

/** Angle in degrees between the lines of u and v, sign ignored. */
function degrees(u: ArrayLike<number>, v: ArrayLike<number>): number {
  let [d, uu, vv] = [0, 0, 0];
  for (let i = 0; i < u.length; i++)
    [d, uu, vv] = [d + u[i] * v[i], uu + u[i] ** 2, vv + v[i] ** 2];
  return (Math.acos(Math.min(1, Math.abs(d) / Math.sqrt(uu * vv))) * 180) / Math.PI;
}

export function classicPanel(): void {
  const canvas = $<HTMLCanvasElement>('cl-canvas');
  const status = $('cl-status');
  const angle = $<HTMLInputElement>('cl-angle');
  const ratio = $<HTMLInputElement>('cl-ratio');
  const source = $<HTMLSelectElement>('cl-data');
  let points = cloud(Number(angle.value), Number(ratio.value), 1);
  let patches: Patches | null = null;
  const onPatches = () => source.value === 'patches' && patches !== null;
  const data = () => (onPatches() ? patches!.x : points);
  let model: Learner | null = null;
  let running = false;
  let step = 0;
  const pick = new Rng(2, getBackend('ts'));

  const make = (): Learner => {
    const rule = $<HTMLSelectElement>('cl-rule').value as Rule;
    const lr = Number($<HTMLInputElement>('cl-lr').value);
    const common = { lr, batchSize: batch(onPatches()), seed: 0 };
    const wide = onPatches();
    if (rule === 'competitive')
      return new CompetitiveLearning({ units: wide ? AXES : 4, ...common });
    // The data are centred: no mean to learn, so the vectors start rotating at once.
    return rule === 'oja'
      ? new Oja({ center: false, ...common })
      : new Sanger({ components: wide ? AXES : 2, center: false, ...common });
  };

  const report = (off: number[], what: string) => {
    const text =
      off.length > 0
        ? `angles to the principal axes ${off.map((a) => `${a.toFixed(1)}°`).join(', ')}`
        : what;
    status.textContent = `${step} steps of ${batch(onPatches())} samples · ${text}`;
    status.dataset.maxAngle = off.length > 0 ? String(Math.max(...off)) : '';
  };

  const drawPatches = () => {
    if (canvas.height !== PATCHES_HEIGHT) canvas.height = PATCHES_HEIGHT;
    const ctx = canvas.getContext('2d')!;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = '#333';
    ctx.fillText('learnt units', 0, 12);
    ctx.fillText("PCA's principal axes (hebb/features)", 0, 92);
    drawTiles(ctx, patches!.axes, 100, TILE_ZOOM);
    if (!model?.isFitted) return;
    drawTiles(ctx, model.weights, 20, TILE_ZOOM);
    const off =
      model instanceof CompetitiveLearning
        ? []
        : Array.from({ length: model.weights.rows }, (_, k) =>
            degrees(model!.weights.row(k), patches!.axes.row(k)),
          );
    report(off, 'prototypes of the patches');
  };

  const draw = () => (onPatches() ? drawPatches() : drawCloud());

  const drawCloud = () => {
    const x = points;
    if (canvas.height !== canvas.width) canvas.height = canvas.width;
    const ctx = canvas.getContext('2d')!;
    const [w, h] = [canvas.width, canvas.height];
    const scale = w / 2 / (2.4 * Math.max(1, Number(ratio.value)));
    const px = (u: number, v: number): [number, number] => [w / 2 + u * scale, h / 2 - v * scale];
    ctx.clearRect(0, 0, w, h);
    ctx.fillStyle = '#9aa3b5';
    for (let i = 0; i < x.rows; i++) {
      const [a, b] = px(x.data[2 * i], x.data[2 * i + 1]);
      ctx.fillRect(a - 1, b - 1, 2, 2);
    }
    const axes = principalAxes(x);
    ctx.setLineDash([6, 5]);
    ctx.strokeStyle = '#333';
    for (const t of axes) {
      ctx.beginPath();
      ctx.moveTo(...px(-10 * Math.cos(t) * 3, -10 * Math.sin(t) * 3));
      ctx.lineTo(...px(10 * Math.cos(t) * 3, 10 * Math.sin(t) * 3));
      ctx.stroke();
    }
    ctx.setLineDash([]);
    if (!model?.isFitted) return;
    const wts = model.weights;
    const off: number[] = [];
    for (let k = 0; k < wts.rows; k++) {
      const [u, v] = [wts.data[2 * k], wts.data[2 * k + 1]];
      ctx.strokeStyle = ctx.fillStyle = COLOURS[k % COLOURS.length];
      ctx.lineWidth = 3;
      if (model instanceof CompetitiveLearning) {
        const [a, b] = px(u, v);
        ctx.beginPath();
        ctx.arc(a, b, 7, 0, 2 * Math.PI);
        ctx.fill();
        continue;
      }
      // a unit vector drawn 2.5 minor-axis deviations long, on both sides (sign is arbitrary)
      const len = 2.5 / Math.hypot(u, v);
      ctx.beginPath();
      ctx.moveTo(...px(-u * len, -v * len));
      ctx.lineTo(...px(u * len, v * len));
      ctx.stroke();
      off.push(degrees([u, v], [Math.cos(axes[k]), Math.sin(axes[k])]));
    }
    ctx.lineWidth = 1;
    report(off, 'prototypes (dots) spread over the cloud');
  };

  const frame = () => {
    if (!running) return;
    model ??= make();
    // a few mini-batches per frame, drawn at random from the cloud
    const x = data();
    for (let r = 0; r < 4; r++) {
      const rows = Array.from(pick.uniform(batch(onPatches())), (u) => Math.floor(u * x.rows));
      model.partialFit(x.gatherRows(rows));
      step++;
    }
    draw();
    requestAnimationFrame(frame);
  };

  const start = $<HTMLButtonElement>('cl-start');
  start.onclick = () => {
    running = !running;
    start.textContent = running ? 'Pause' : 'Start';
    if (running) requestAnimationFrame(frame);
  };
  $('cl-reset').onclick = () => {
    model = null;
    step = 0;
    status.textContent = 'press Start';
    draw();
  };
  const reshape = () => {
    // the weights keep learning from where they are: watch them turn onto the new axes
    points = cloud(Number(angle.value), Number(ratio.value), 1);
    $('cl-angle-value').textContent = `${angle.value}°`;
    draw();
  };
  angle.oninput = ratio.oninput = reshape;
  $<HTMLSelectElement>('cl-rule').onchange = () => $('cl-reset').click();
  source.onchange = async () => {
    $('cl-reset').click();
    // the patches vary far less than the cloud: a larger rate
    $<HTMLInputElement>('cl-lr').value = source.value === 'patches' ? '0.05' : '0.01';
    if (source.value === 'patches' && !patches) {
      start.disabled = true;
      status.textContent = 'cutting 20 000 patches and their PCA…';
      try {
        patches = await loadPatches();
        status.textContent = 'press Start';
      } catch (e) {
        status.textContent = (e as Error).message;
      }
      start.disabled = false;
    }
    for (const el of [angle, ratio]) el.disabled = source.value === 'patches';
    draw();
  };
  reshape();
}
