import type { Matrix } from '../backend/matrix.ts';
import { ShapeError, ValueError } from '../errors.ts';
import { axisScale, formatTicks } from './axis.ts';
import {
  categorical,
  colorFor,
  diverging,
  parseColor,
  resolveColormap,
  sampleColormap,
  type Colormap,
  type ColormapName,
  type RGB,
} from './colormap.ts';
import { measureText, Raster, type Rect, type TextStyle, WHITE } from './raster.ts';

const INK: RGB = [40, 40, 40];
const FRAME: RGB = [90, 90, 90];
const GRID: RGB = [228, 228, 228];
/** Where a weight is NaN/Infinity: in no grey image and no colour map, so it stands out. */
const NAN_PIXEL: RGB = [255, 0, 255];
/** 2× the 5×7 font (14 px capitals): the smallest size that reads comfortably on screen. */
const LABEL: TextStyle = { scale: 2 };
const TITLE: TextStyle = { scale: 2, bold: true };
const LINE_H = measureText('0', LABEL).height;
const PAD = 10;
const TICK = 5;
const RIGHT_MIDDLE = { align: 'right', valign: 'middle' } as const;

export interface ReceptiveFieldOptions {
  height: number;
  width: number;
  /** 1 (grey) or 3 (RGB); each row of weights is height × width × channels (HWC). Default 1. */
  channels?: number;
  /** Tiles per row. Default ⌈√n⌉ (a square-ish grid). */
  columns?: number;
  /** Draw only the first maxTiles units. Default all. */
  maxTiles?: number;
  /** Integer enlargement. Default: tiles ≥ 28 px, larger (≤ 112 px) until the grid is ~480 px. */
  scale?: number;
  /** Border in pixels between and around tiles. Default 2. */
  padding?: number;
  /** Symmetric around 0: grey tiles use the blue–white–red map at ±max|w|, RGB tiles mid-grey. */
  signed?: boolean;
  /** Border colour. Default blue-grey (dark grey when signed), a colour no tile contains. */
  border?: RGB;
}

/**
 * One tile per unit, its weight row reshaped to an image. Contrast is per tile (min → black,
 * max → white), because units differ in scale and a shared range would leave most tiles flat;
 * RGB tiles stretch min..max over all channels so their hue survives. NaN weights show magenta.
 * Tile k's top-left pixel is (pad + (k mod columns)·(width·scale + pad), pad + ⌊k/columns⌋·(…)).
 */
export function receptiveFieldGrid(weights: Matrix, opts: ReceptiveFieldOptions): Raster {
  const { height: h, width: w, channels: ch = 1, signed = false, padding: pad = 2 } = opts;
  positiveInts('receptiveFieldGrid', { height: h, width: w, maxTiles: opts.maxTiles ?? 1 });
  if (ch !== 1 && ch !== 3) {
    throw new ValueError(`receptiveFieldGrid: channels must be 1 or 3, got ${ch}`);
  }
  if (weights.cols !== h * w * ch) {
    throw new ShapeError(
      `receptiveFieldGrid: weights have ${weights.cols} columns but height×width×channels = ` +
        `${h}×${w}×${ch} = ${h * w * ch}; pass the image shape the layer was trained on`,
    );
  }
  const n = Math.min(weights.rows, opts.maxTiles ?? Infinity);
  if (n < 1)
    throw new ShapeError('receptiveFieldGrid: weights have 0 rows; there is nothing to draw');
  if (!weights.data.some(Number.isFinite)) {
    throw new ValueError(
      'receptiveFieldGrid: every weight is NaN or Infinity; training diverged (lower the learning rate)',
    );
  }
  const cols = Math.min(n, opts.columns ?? Math.ceil(Math.sqrt(n)));
  const big = Math.min(Math.ceil(480 / (cols * w)), Math.floor(112 / Math.max(h, w)));
  const scale = opts.scale ?? Math.max(Math.ceil(28 / Math.min(h, w)), big);
  positiveInts('receptiveFieldGrid', { columns: cols, scale });
  if (!Number.isInteger(pad) || pad < 0) {
    throw new ValueError(`receptiveFieldGrid: padding must be an integer ≥ 0, got ${pad}`);
  }
  const [tw, th] = [w * scale, h * scale];
  const border = opts.border ?? (signed ? [64, 64, 64] : [70, 90, 130]);
  const out = new Raster(cols * (tw + pad) + pad, Math.ceil(n / cols) * (th + pad) + pad, border);
  for (let u = 0; u < n; u++) {
    const x0 = pad + (u % cols) * (tw + pad);
    const y0 = pad + Math.floor(u / cols) * (th + pad);
    tilePixels(weights.row(u), ch, signed).forEach((c, p) => {
      out.rect(x0 + (p % w) * scale, y0 + Math.floor(p / w) * scale, scale, scale, c);
    });
  }
  return out;
}

/** The colour of each pixel of one unit's tile, using that tile's own range. */
function tilePixels(v: Float32Array, ch: number, signed: boolean): RGB[] {
  let [lo, hi] = [Infinity, -Infinity];
  for (const x of v) if (Number.isFinite(x)) [lo, hi] = [Math.min(lo, x), Math.max(hi, x)];
  const m = Math.max(-lo, hi); // max |w|
  const level = signed
    ? (x: number) => (m > 0 ? Math.round(127.5 + (127.5 * x) / m) : 128)
    : (x: number) => (hi > lo ? Math.round((255 * (x - lo)) / (hi - lo)) : 128);
  const out: RGB[] = [];
  for (let p = 0; p < v.length; p += ch) {
    const c = v.subarray(p, p + ch);
    if (!c.every(Number.isFinite)) out.push(NAN_PIXEL);
    else if (ch === 3) out.push([level(c[0]), level(c[1]), level(c[2])]);
    else if (signed) out.push(colorFor(c[0], -m, m, diverging));
    else out.push([level(c[0]), level(c[0]), level(c[0])]);
  }
  return out;
}

export interface HeatmapOptions {
  title?: string;
  xlabel?: string;
  ylabel?: string;
  /** Default viridis. With 'diverging' the default range is ±max|v|, so 0 is white. */
  colormap?: Colormap | ColormapName;
  /** Colour scale limits. Default: the finite data's min and max. */
  min?: number;
  max?: number;
  /** Pixels per cell. Default: the matrix fills about 480 px, at most 48 px a cell. */
  cellSize?: number;
}

/**
 * A matrix as coloured cells (row 0 on top, as printed) with index ticks and a vertical colour
 * bar labelled max, mid and min. NaN cells are grey. regions.plot is the cell area and
 * regions.colorbar the bar (top row = max colour, bottom row = min colour).
 */
export function heatmap(matrix: Matrix, opts: HeatmapOptions = {}): Raster {
  const { rows: nr, cols: nc } = matrix;
  if (nr < 1 || nc < 1) throw new ShapeError(`heatmap: matrix is ${nr}×${nc}; it has no cells`);
  const map = resolveColormap(opts.colormap ?? 'viridis');
  let [lo, hi] = [Infinity, -Infinity];
  for (const v of matrix.data) {
    if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  }
  if (map === diverging) [lo, hi] = [-Math.max(-lo, hi), Math.max(-lo, hi)];
  const { min = lo, max = hi } = opts;
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    throw new ValueError(
      `heatmap: colour limits must be finite, got min=${min}, max=${max}; an all-NaN matrix needs both given`,
    );
  }
  if (min > max) throw new ValueError(`heatmap: min (${min}) is above max (${max}); swap them`);
  const cell = opts.cellSize ?? Math.max(1, Math.min(48, Math.floor(480 / Math.max(nr, nc))));
  positiveInts('heatmap', { cellSize: cell });

  const rowTicks = indexTicks(nr, cell, LINE_H);
  const colTicks = indexTicks(nc, cell, measureText(String(nc - 1), LABEL).width + 10);
  const barTicks = max === min ? [min] : [max, (min + max) / 2, min];
  const barLabels = formatTicks(barTicks, (max - min) / 2);
  const [mw, mh] = [nc * cell, nr * cell];
  const barH = Math.max(mh, 4 * LINE_H); // room for three labels
  const left = PAD + (opts.ylabel ? LINE_H + 8 : 0) + widest(rowTicks.map(String)) + 6 + TICK;
  const top = opts.title ? PAD + LINE_H + 12 : PAD + 6;
  const barX = left + mw + 18;
  const width = Math.max(
    barX + 20 + TICK + 4 + widest(barLabels) + PAD,
    opts.title ? measureText(opts.title, TITLE).width + 2 * PAD : 0,
  );
  const xlabelY = top + mh + TICK + 6 + LINE_H + 8;
  const below = Math.max(xlabelY + (opts.xlabel ? LINE_H : -8), top + barH + LINE_H / 2);
  const out = new Raster(width, below + PAD, WHITE);
  const plot = (out.regions.plot = { x: left, y: top, width: mw, height: mh });
  out.regions.colorbar = { x: barX, y: top, width: 20, height: barH };

  for (let i = 0; i < nr; i++) {
    for (let j = 0; j < nc; j++) {
      const c = colorFor(matrix.get(i, j), min, max, map);
      out.rect(left + j * cell, top + i * cell, cell, cell, c);
    }
  }
  out.strokeRect(left - 1, top - 1, mw + 2, mh + 2, FRAME);
  for (const i of rowTicks) {
    const y = top + Math.floor((i + 0.5) * cell);
    out.line(left - 1 - TICK, y, left - 2, y, FRAME);
    out.text(String(i), left - TICK - 6, y, INK, { ...LABEL, ...RIGHT_MIDDLE });
  }
  for (const j of colTicks) {
    const x = left + Math.floor((j + 0.5) * cell);
    out.line(x, top + mh + 1, x, top + mh + TICK, FRAME);
    out.text(String(j), x, top + mh + TICK + 4, INK, { ...LABEL, align: 'center' });
  }
  for (let y = 0; y < barH; y++) {
    out.rect(barX, top + y, 20, 1, sampleColormap(map, barH === 1 ? 1 : 1 - y / (barH - 1)));
  }
  out.strokeRect(barX - 1, top - 1, 22, barH + 2, FRAME);
  barTicks.forEach((v, k) => {
    const y = top + (max === min ? barH / 2 : Math.round(((max - v) / (max - min)) * (barH - 1)));
    out.line(barX + 21, y, barX + 20 + TICK, y, FRAME);
    out.text(barLabels[k], barX + 20 + TICK + 4, y, INK, { ...LABEL, valign: 'middle' });
  });
  axisLabels(out, opts, plot, xlabelY);
  return out;
}

/** Title centred on the figure, x label under the plot, y label turned at the left edge. */
function axisLabels(r: Raster, o: HeatmapOptions | LineChartOptions, plot: Rect, xlabelY: number) {
  const room = r.width - 2 * PAD;
  if (o.title) {
    const [s, style] = fit(o.title, room, TITLE);
    r.text(s, r.width / 2, PAD, INK, { ...style, align: 'center' });
  }
  if (o.xlabel) {
    const [s, style] = fit(o.xlabel, room, LABEL);
    r.text(s, plot.x + plot.width / 2, xlabelY, INK, { ...style, align: 'center' });
  }
  if (o.ylabel) {
    const [s, style] = fit(o.ylabel, plot.height + 2 * PAD, LABEL);
    const mid = { align: 'center', valign: 'middle', vertical: true } as const;
    r.text(s, PAD + LINE_H / 2, plot.y + plot.height / 2, INK, { ...style, ...mid });
  }
}

/**
 * A label that fits `max` pixels: as is, else (if `shrink`) at scale 1, else cut short with '…'.
 * Returns arguments for Raster.text with the style to use.
 */
function fit(s: string, max: number, style: TextStyle, shrink = true): [string, TextStyle] {
  if (measureText(s, style).width <= max) return [s, style];
  if (shrink) style = { ...style, scale: 1 };
  while (s.length > 1 && measureText(s, style).width > max) s = s.slice(0, -2) + '…';
  return [s, style];
}

/** Index ticks: the smallest 1/2/5×10^k step giving ≤ 6 labels at least `room` px apart. */
function indexTicks(n: number, cell: number, room: number): number[] {
  for (let step = 1; ; step *= 10) {
    for (const s of [step, 2 * step, 5 * step]) {
      const count = Math.floor((n - 1) / s) + 1;
      if (count <= 6 && s * cell >= room) return Array.from({ length: count }, (_, i) => i * s);
    }
  }
}

export interface Series {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** '#rrggbb' or [r, g, b]. Default: the series' place in the categorical palette. */
  color?: RGB | string;
}

export interface LineChartOptions {
  title?: string;
  xlabel?: string;
  ylabel?: string;
  /** Logarithmic axes; points with x ≤ 0 (or y ≤ 0) are then left out, breaking the line. */
  logX?: boolean;
  logY?: boolean;
  /** Image size in pixels. Default 720×450. */
  width?: number;
  height?: number;
  /** Fixed y limits [low, high]; lines leaving them are clipped. Default: the data, rounded out. */
  yRange?: [number, number];
  /** Line width in pixels. Default 2. */
  lineWidth?: number;
}

/**
 * Lines through each series' points, 4–6 labelled ticks per axis, light grid lines and a
 * legend in the inside corner that hides the least. A NaN or infinite coordinate breaks a line;
 * a point with no drawn neighbour shows as a dot. regions.plot is the data area: the x axis
 * from low to high spans columns plot.x … plot.x + width − 1, y spans the rows bottom to top
 * (linearly, or in log10 on a log axis).
 */
export function lineChart(series: Series[], opts: LineChartOptions = {}): Raster {
  if (!Array.isArray(series) || series.length === 0) {
    throw new ShapeError('lineChart: no series given; pass at least one {name, x, y}');
  }
  const { logX = false, logY = false, width = 720, height = 450, lineWidth = 2 } = opts;
  positiveInts('lineChart', { width, height });
  const ok = (x: number, y: number) =>
    Number.isFinite(x) && Number.isFinite(y) && (!logX || x > 0) && (!logY || y > 0);
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const s of series) {
    if (s.x.length !== s.y.length || s.x.length === 0) {
      throw new ShapeError(
        `lineChart: series '${s.name}' has ${s.x.length} x and ${s.y.length} y values; ` +
          'give one x per y, at least one point',
      );
    }
    for (let i = 0; i < s.x.length; i++) {
      if (!ok(s.x[i], s.y[i])) continue;
      [x0, x1] = [Math.min(x0, s.x[i]), Math.max(x1, s.x[i])];
      [y0, y1] = [Math.min(y0, s.y[i]), Math.max(y1, s.y[i])];
    }
  }
  if (x0 > x1) {
    const why = logX || logY ? ' (positive on the log axes)' : '';
    throw new ValueError(`lineChart: no point has finite x and y${why}; check the data for NaN`);
  }
  const yr = opts.yRange;
  if (yr && !(yr[0] < yr[1] && Number.isFinite(yr[0] + yr[1]) && (!logY || yr[0] > 0))) {
    throw new ValueError(
      `lineChart: yRange must be [low, high], low < high (> 0 if logY), got [${yr}]`,
    );
  }
  const xa = axisScale(x0, x1, logX, 'data');
  const ya = yr ? axisScale(yr[0], yr[1], logY, 'fixed') : axisScale(y0, y1, logY, 'round');

  const left = PAD + (opts.ylabel ? LINE_H + 8 : 0) + widest(ya.labels) + 6 + TICK;
  const top = opts.title ? PAD + LINE_H + 14 : PAD + LINE_H / 2;
  // Room for half the last x label, less the space between its tick and the plot's end.
  const lastT = xa.t(xa.ticks[xa.ticks.length - 1]);
  const overhang = widest(xa.labels.slice(-1)) / 2 - (1 - lastT) * (width - left - PAD - 10);
  const right = Math.round(Math.max(PAD + 10, overhang + PAD));
  const bottom = TICK + 6 + LINE_H + (opts.xlabel ? LINE_H + 6 : 0) + PAD;
  const plot = { x: left, y: top, width: width - left - right, height: height - top - bottom };
  if (plot.width < 60 || plot.height < 60) {
    throw new ValueError(
      `lineChart: ${width}×${height} leaves no room for the plot; make it larger`,
    );
  }
  const out = new Raster(width, height, WHITE);
  out.regions.plot = plot;
  const px = (v: number) => plot.x + xa.t(v) * (plot.width - 1);
  const py = (v: number) => plot.y + (1 - ya.t(v)) * (plot.height - 1);
  for (const v of xa.ticks) out.line(px(v), plot.y, px(v), plot.y + plot.height - 1, GRID);
  for (const v of ya.ticks) out.line(plot.x, py(v), plot.x + plot.width - 1, py(v), GRID);

  const colors = series.map((s, k) => parseColor(s.color ?? categorical[k % categorical.length]));
  out.clip = plot;
  series.forEach((s, k) => {
    const keep = (i: number) => ok(s.x[i], s.y[i]);
    const sx = Float64Array.from(s.x, (v, i) => (keep(i) ? px(v) : NaN));
    const sy = Float64Array.from(s.y, (v, i) => (keep(i) ? py(v) : NaN));
    out.polyline(sx, sy, colors[k], lineWidth);
  });
  out.clip = null;
  out.strokeRect(plot.x - 1, plot.y - 1, plot.width + 2, plot.height + 2, FRAME);

  const base = plot.y + plot.height;
  const tx = xa.ticks.map(px);
  // Label every other x tick when neighbouring labels would touch.
  const gaps = tx.map((x, i) => (i ? x - tx[i - 1] - widest(xa.labels.slice(i - 1, i + 1)) : 99));
  const crowded = Math.min(...gaps) < 8;
  tx.forEach((x, i) => {
    out.line(x, base, x, base + TICK - 1, FRAME);
    if (!crowded || i % 2 === 0)
      out.text(xa.labels[i], x, base + TICK + 6, INK, { ...LABEL, align: 'center' });
  });
  ya.ticks.forEach((v, i) => {
    out.line(plot.x - TICK, py(v), plot.x - 2, py(v), FRAME);
    out.text(ya.labels[i], plot.x - TICK - 6, py(v), INK, { ...LABEL, ...RIGHT_MIDDLE });
  });
  drawLegend(
    out,
    plot,
    series.map((s, k): [string, RGB] => [s.name, colors[k]]),
  );
  axisLabels(out, opts, plot, base + TICK + 6 + LINE_H + 6);
  return out;
}

/** A boxed legend in whichever inside corner of the plot covers the fewest drawn pixels. */
function drawLegend(out: Raster, plot: Rect, all: [string, RGB][]): void {
  // Names are cut to keep the legend within about half the plot.
  const entries = all.map(([n, c]) => [fit(n, plot.width / 2 - 40, LABEL, false)[0], c] as const);
  const w = 8 + 24 + 8 + widest(entries.map((e) => e[0])) + 8;
  const h = 6 + entries.length * (LINE_H + 2) + 2;
  const [l, r] = [plot.x + 8, plot.x + plot.width - 8 - w];
  const [t, b] = [plot.y + 8, plot.y + plot.height - 8 - h];
  let best = { x: r, y: t, inked: Infinity };
  const corners = [r, t, l, t, r, b, l, b]; // x, y pairs in order of preference
  for (let k = 0; k < 8; k += 2) {
    const [x, y] = [corners[k], corners[k + 1]];
    let inked = 0;
    for (let yy = Math.max(0, y); yy < Math.min(out.height, y + h); yy++) {
      for (let xx = Math.max(0, x); xx < Math.min(out.width, x + w); xx++) {
        const [pr, pg, pb] = out.getPixel(xx, yy);
        if (!(pr === pg && pg === pb && pr >= GRID[0])) inked++; // not background or grid
      }
    }
    if (inked < best.inked) best = { x, y, inked };
  }
  out.regions.legend = { x: best.x, y: best.y, width: w, height: h };
  out.rect(best.x, best.y, w, h, WHITE);
  out.strokeRect(best.x, best.y, w, h, [190, 190, 190]);
  entries.forEach(([name, color], k) => {
    const cy = best.y + 6 + k * (LINE_H + 2) + 7;
    out.rect(best.x + 8, cy - 1, 24, 3, color);
    out.text(name, best.x + 40, cy, INK, { ...LABEL, valign: 'middle' });
  });
}

function widest(labels: string[]): number {
  return Math.max(0, ...labels.map((s) => measureText(s, LABEL).width));
}

function positiveInts(fn: string, values: Record<string, number>): void {
  for (const [name, v] of Object.entries(values)) {
    if (!Number.isInteger(v) || v < 1) {
      throw new ValueError(`${fn}: ${name} must be a positive integer, got ${v}`);
    }
  }
}
