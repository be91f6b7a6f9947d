// Charts as Vega-Lite specifications: plain data plus a description, no drawing code. The CLI
// renders them to SVG (report/render.ts); a page can hand the same object to vega-embed. This
// file imports nothing, so the specs cost a browser bundle no plotting library.
import type { Matrix } from '../backend/matrix.ts';
import { ShapeError, ValueError } from '../errors.ts';

/** A Vega-Lite specification (top level), as JSON. */
export type ChartSpec = Record<string, unknown>;

/** One line of a line chart. */
export interface Series {
  /** Its name in the legend. */
  name: string;
  /** The x values of its points. */
  x: ArrayLike<number>;
  /** The y values, one per x. */
  y: ArrayLike<number>;
  /** ± this around y (e.g. the std over seeds), drawn as a shaded band. */
  spread?: ArrayLike<number>;
}

/** Options of lineChart. */
export interface LineChartOptions {
  /** The chart's title. */
  title?: string;
  /** A line under the title. */
  subtitle?: string;
  /** The x axis's title. */
  xlabel?: string;
  /** The y axis's title. */
  ylabel?: string;
  /** Logarithmic axes; points with x ≤ 0 (or y ≤ 0) are left out, breaking the line. */
  logX?: boolean;
  /** A logarithmic y axis; points with y ≤ 0 are left out. */
  logY?: boolean;
  /** Plot area in pixels. Default 560×320. */
  width?: number;
  /** Plot area height in pixels (default 320). */
  height?: number;
  /** Fixed axis limits [low, high]; what leaves them is clipped. Default: the data's. */
  xRange?: [number, number];
  /** Fixed y axis limits [low, high]; what leaves them is clipped. Default: the data's. */
  yRange?: [number, number];
  /**
   * A symmetric-log x axis: linear within ±constant, logarithmic beyond, so 0 keeps its place
   * beside values spanning decades (ε = 0, 4, 8 … 255). Overrides logX.
   */
  symlogX?: number;
  /** The x axis's tick values (default: Vega's). */
  xTicks?: number[];
}

/**
 * Series colours: ten that stay apart in hue and lightness (no two pastels side by side); a
 * chart with more repeats them, the dash and marker shape still differing.
 */
export const PALETTE = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#000000',
  '#17becf',
  '#e377c2',
  '#8c564b',
  '#bcbd22',
];
/** Marker shapes, a second cue beside colour. */
const SHAPES = [
  'circle',
  'square',
  'triangle-up',
  'diamond',
  'cross',
  'triangle-down',
  'triangle-right',
  'triangle-left',
  'wedge',
  'arrow',
];
const cycle = <T>(list: T[], n: number) =>
  Array.from({ length: n }, (_, k) => list[k % list.length]);

/** Dash patterns that tell lines apart where they lie on one another (colour alone cannot). */
const DASHES = [
  [1, 0],
  [6, 3],
  [2, 2],
  [8, 3, 2, 3],
  [12, 4],
  [3, 5],
];
/** Series with at most this many points also get a marker at each point. */
const MARK_POINTS = 40;

const FONT = { font: 'Helvetica, Arial, sans-serif' };

/** Titles, background and fonts shared by every chart. */
function frame(title: string | undefined, subtitle?: string): ChartSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(title ? { title: subtitle ? { text: title, subtitle } : title } : {}),
    background: 'white',
    config: {
      ...FONT,
      title: { fontSize: 15, anchor: 'start', subtitleFontSize: 12, subtitleColor: '#555' },
      axis: { labelFontSize: 12, titleFontSize: 13, gridColor: '#e6e6e6' },
      legend: { labelFontSize: 12, titleFontSize: 12, symbolStrokeWidth: 2.5, labelLimit: 320 },
      view: { stroke: '#888' },
    },
  };
}

function checkRange(where: string, name: string, r: [number, number] | undefined, log: boolean) {
  if (r && !(r[0] < r[1] && Number.isFinite(r[0] + r[1]) && (!log || r[0] > 0)))
    throw new ValueError(
      `${where}: ${name} must be [low, high], low < high (> 0 on a log axis), got [${r}]`,
    );
}

/**
 * Lines through each series' points: each series its own colour and dash pattern (so lines
 * that coincide stay visible), markers where points are few, a ± band where `spread` is given,
 * the legend beside the plot. A NaN or infinite value breaks its line.
 */
export function lineChart(series: Series[], opts: LineChartOptions = {}): ChartSpec {
  const where = 'lineChart';
  if (!Array.isArray(series) || series.length === 0)
    throw new ShapeError(`${where}: no series given; pass at least one {name, x, y}`);
  const { logX = false, logY = false, width = 560, height = 320 } = opts;
  checkRange(where, 'xRange', opts.xRange, logX);
  checkRange(where, 'yRange', opts.yRange, logY);
  const drawable = (v: number, log: boolean) => Number.isFinite(v) && (!log || v > 0);
  const rows: Record<string, unknown>[] = [];
  let drawn = 0;
  let banded = false;
  const names = new Set<string>();
  for (const s of series) {
    if (
      s.x.length !== s.y.length ||
      s.x.length === 0 ||
      (s.spread && s.spread.length !== s.y.length)
    )
      throw new ShapeError(
        `${where}: series '${s.name}' has ${s.x.length} x, ${s.y.length} y${s.spread ? ` and ${s.spread.length} spread` : ''} values; give one x (and spread) per y, at least one point`,
      );
    if (names.has(s.name))
      throw new ValueError(`${where}: two series are named '${s.name}'; give each its own name`);
    names.add(s.name);
    for (let i = 0; i < s.x.length; i++) {
      // A point that cannot be drawn keeps its place as nulls: the line breaks there.
      const xOk = drawable(s.x[i], logX);
      const good = xOk && drawable(s.y[i], logY);
      const row: Record<string, unknown> = {
        series: s.name,
        x: xOk ? s.x[i] : null,
        y: good ? s.y[i] : null,
      };
      if (good) drawn++;
      const d = s.spread?.[i];
      if (good && d !== undefined && Number.isFinite(d)) {
        [row.lo, row.hi, banded] = [s.y[i] - d, s.y[i] + d, true];
      }
      rows.push(row);
    }
  }
  if (drawn === 0) {
    const why = logX || logY ? ' (positive on the log axes)' : '';
    throw new ValueError(`${where}: no point has finite x and y${why}; check the data for NaN`);
  }
  const order = series.map((s) => s.name);
  const few = series.every((s) => s.x.length <= MARK_POINTS);
  const xEnc = {
    field: 'x',
    type: 'quantitative',
    title: opts.xlabel ?? 'x',
    scale: {
      // a log axis rounded out to powers of ten would leave most of the plot empty
      ...(opts.symlogX !== undefined
        ? { type: 'symlog', constant: opts.symlogX, nice: false }
        : logX
          ? { type: 'log', nice: false }
          : { zero: false }),
      ...(opts.xRange ? { domain: opts.xRange } : {}),
    },
    ...(opts.xTicks ? { axis: { values: opts.xTicks, labelExpr: 'toString(datum.value)' } } : {}),
  };
  const yScale = {
    ...(logY ? { type: 'log' } : { zero: false }),
    ...(opts.yRange ? { domain: opts.yRange } : {}),
  };
  // stroke symbols, long enough to show each dash pattern
  const legend = { symbolType: 'stroke', symbolSize: 600, symbolStrokeWidth: 2.5 };
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    sort: order,
    scale: { domain: order, range: cycle(PALETTE, order.length) },
    legend,
  };
  const dash = {
    ...color,
    scale: { domain: order, range: cycle(DASHES, order.length) },
  };
  const yEnc = { field: 'y', type: 'quantitative', title: opts.ylabel ?? 'y', scale: yScale };
  const layers: ChartSpec[] = [
    {
      mark: { type: 'line', strokeWidth: 2, clip: true },
      encoding: { x: xEnc, y: yEnc, color, strokeDash: dash, order: { field: 'x' } },
    },
  ];
  // markers where points are few: a shape per series as well as a colour
  if (few)
    layers.push({
      mark: { type: 'point', size: 36, filled: true, clip: true, opacity: 1 },
      encoding: {
        x: xEnc,
        y: yEnc,
        color,
        shape: {
          field: 'series',
          type: 'nominal',
          sort: order,
          scale: { domain: order, range: cycle(SHAPES, order.length) },
          legend,
        },
      },
    });
  // after the lines: the legend takes its symbols (dashed strokes) from the first layer
  if (banded)
    layers.push({
      mark: { type: 'area', opacity: 0.18, clip: true },
      encoding: {
        x: xEnc,
        y: { field: 'lo', type: 'quantitative', scale: yScale },
        y2: { field: 'hi' },
        color,
      },
    });
  return {
    ...frame(opts.title, opts.subtitle),
    width,
    height,
    data: { values: rows },
    layer: layers,
  };
}

/** Options of heatmap. */
export interface HeatmapOptions {
  /** The chart's title. */
  title?: string;
  /** A line under the title. */
  subtitle?: string;
  /** The x axis's (columns') title. */
  xlabel?: string;
  /** The y axis's (rows') title. */
  ylabel?: string;
  /** 'diverging' (blue < 0 < red; default range ±max|v|) or 'viridis' (default). */
  colormap?: 'viridis' | 'diverging';
  /** Colour scale limits. Default: the finite data's min and max. */
  min?: number;
  /** The colour scale's upper limit (default: as for min). */
  max?: number;
  /** Pixels per cell. Default: the matrix fills about 320 px, at most 40 px a cell. */
  cellSize?: number;
  /** Print each cell's value (for small matrices). */
  values?: boolean;
  /** Labels of the columns / rows (default their indices 0, 1, …). */
  columnLabels?: string[];
  /** Labels of the rows (default their indices). */
  rowLabels?: string[];
  /** Title of the colour bar. Default 'value'. */
  legend?: string;
}

/** At most this many index labels per axis: a 100-row matrix labels every 10th row. */
const MAX_TICKS = 12;

function tickValues(n: number, labels?: string[]): string[] | undefined {
  if (labels) return undefined;
  const step = Math.max(1, Math.ceil(n / MAX_TICKS));
  const out: string[] = [];
  for (let i = 0; i < n; i += step) out.push(String(i));
  return out;
}

/**
 * A matrix as coloured cells, row 0 on top (as printed), with axis titles and a colour bar.
 * NaN cells are left empty (the grey background shows).
 */
export function heatmap(matrix: Matrix, opts: HeatmapOptions = {}): ChartSpec {
  const { rows: nr, cols: nc } = matrix;
  if (nr < 1 || nc < 1) throw new ShapeError(`heatmap: matrix is ${nr}×${nc}; it has no cells`);
  for (const [name, l, n] of [
    ['columnLabels', opts.columnLabels, nc],
    ['rowLabels', opts.rowLabels, nr],
  ] as const)
    if (l && l.length !== n)
      throw new ShapeError(
        `heatmap: ${name} has ${l.length} entries but the matrix has ${n}; give one per ${name === 'columnLabels' ? 'column' : 'row'}`,
      );
  let [lo, hi] = [Infinity, -Infinity];
  for (const v of matrix.data)
    if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  if (lo > hi) throw new ValueError('heatmap: every value is NaN or infinite; nothing to colour');
  const diverging = opts.colormap === 'diverging';
  const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
  const min = opts.min ?? (diverging ? -m : lo);
  const max = opts.max ?? (diverging ? m : hi === lo ? lo + 1 : hi);
  if (!(min < max)) throw new ValueError(`heatmap: min ${min} must be below max ${max}`);
  const cell = opts.cellSize ?? Math.max(3, Math.min(40, Math.floor(320 / Math.max(nr, nc))));
  const colName = (j: number) => opts.columnLabels?.[j] ?? String(j);
  const rowName = (i: number) => opts.rowLabels?.[i] ?? String(i);
  const values: Record<string, unknown>[] = [];
  for (let i = 0; i < nr; i++)
    for (let j = 0; j < nc; j++) {
      const v = matrix.data[i * nc + j];
      values.push({ row: rowName(i), col: colName(j), v: Number.isFinite(v) ? v : null });
    }
  const colorScale = diverging
    ? { scheme: 'redblue', reverse: true, domain: [min, max], domainMid: 0, clamp: true }
    : { scheme: 'viridis', domain: [min, max], clamp: true };
  const legend = opts.legend ?? 'value';
  const layers: ChartSpec[] = [
    {
      mark: { type: 'rect' },
      encoding: { color: { field: 'v', type: 'quantitative', title: legend, scale: colorScale } },
    },
  ];
  if (opts.values)
    layers.push({
      transform: [{ filter: 'datum.v !== null' }],
      mark: { type: 'text', fontSize: 12 },
      encoding: {
        text: { field: 'v', type: 'quantitative', format: '.2f' },
        // dark cells get white numbers
        color: {
          condition: {
            test: `abs(datum.v) > ${0.55 * Math.max(Math.abs(min), Math.abs(max))}`,
            value: 'white',
          },
          value: '#222',
        },
      },
    });
  // one ordinal axis: entries in matrix order, every k-th index labelled
  const axis = (
    field: string,
    n: number,
    name: (i: number) => string,
    title: string,
    labels?: string[],
  ) => ({
    field,
    type: 'ordinal',
    sort: Array.from({ length: n }, (_, i) => name(i)),
    title,
    axis: { values: tickValues(n, labels), labelAngle: 0 },
  });
  return {
    ...frame(opts.title, opts.subtitle),
    width: cell * nc,
    height: cell * nr,
    data: { values },
    encoding: {
      x: axis('col', nc, colName, opts.xlabel ?? 'column', opts.columnLabels),
      y: axis('row', nr, rowName, opts.ylabel ?? 'row', opts.rowLabels),
    },
    layer: layers,
  };
}

/** Charts side by side ('h') or stacked ('v') under one title; each keeps its own scales. */
export function concat(charts: ChartSpec[], dir: 'h' | 'v', title?: string): ChartSpec {
  if (charts.length === 0) throw new ShapeError('concat: no charts given');
  const strip = ({ $schema: _s, config: _c, background: _b, ...rest }: ChartSpec) => rest;
  return {
    ...frame(title),
    [dir === 'h' ? 'hconcat' : 'vconcat']: charts.map(strip),
    resolve: { scale: { color: 'independent', strokeDash: 'independent', shape: 'independent' } },
  };
}

/** One value of an error-bar chart. */
export interface ErrorBarPoint {
  /** Where on the x axis (a category, e.g. 'γ = 5e-4'). */
  x: string;
  /** Which group (colour), e.g. the learning rule. */
  group: string;
  /** Which source (marker shape), e.g. 'hebb' or 'paper'. */
  source: string;
  /** The value; a non-finite one draws no point. */
  value: number;
  /** ± this (e.g. the std over seeds); none or NaN: no bar. */
  spread?: number;
}

/** Options of errorBarChart. */
export interface ErrorBarChartOptions {
  /** The chart's title. */
  title?: string;
  /** A line under the title. */
  subtitle?: string;
  /** The x axis's title. */
  xlabel?: string;
  /** The y axis's title. */
  ylabel?: string;
  /** Plot width in pixels (default: 34 per bar, at least 360). */
  width?: number;
  /** Plot height in pixels (default 320). */
  height?: number;
}

/**
 * Values with ± error bars, grouped per x category: colour = group, marker shape = source
 * (filled circle for the first source, other shapes hollow), groups side by side in a category.
 */
export function errorBarChart(points: ErrorBarPoint[], opts: ErrorBarChartOptions = {}): ChartSpec {
  if (points.length === 0) throw new ShapeError('errorBarChart: no points given');
  const xs = [...new Set(points.map((p) => p.x))];
  const groups = [...new Set(points.map((p) => p.group))];
  const sources = [...new Set(points.map((p) => p.source))];
  const values = points.map((p) => {
    const bar = p.spread !== undefined && Number.isFinite(p.spread);
    return {
      ...p,
      value: Number.isFinite(p.value) ? p.value : null,
      lo: bar ? p.value - p.spread! : null,
      hi: bar ? p.value + p.spread! : null,
    };
  });
  const x = {
    field: 'x',
    type: 'nominal',
    sort: xs,
    title: opts.xlabel ?? null,
    axis: { labelAngle: 0 },
  };
  const xOffset = { field: 'group', type: 'nominal', sort: groups, scale: { paddingInner: 0.15 } };
  const color = {
    field: 'group',
    type: 'nominal',
    sort: groups,
    title: null,
    scale: { domain: groups, range: cycle(PALETTE, groups.length) },
  };
  return {
    ...frame(opts.title, opts.subtitle),
    width: opts.width ?? Math.max(360, xs.length * groups.length * 34),
    height: opts.height ?? 320,
    data: { values },
    layer: [
      { mark: { type: 'rule', color: '#bbb' }, encoding: { y: { datum: 0 } } },
      {
        transform: [{ filter: 'datum.lo !== null' }],
        mark: { type: 'errorbar', ticks: { size: 7 }, thickness: 1.5 },
        encoding: {
          x,
          xOffset,
          color,
          y: { field: 'lo', type: 'quantitative', title: opts.ylabel ?? 'value' },
          y2: { field: 'hi' },
        },
      },
      // the first source filled, the others hollow: the same shape scale for both layers
      ...[true, false].map((first) => ({
        transform: [
          { filter: `${first ? '' : '!'}(datum.source === ${JSON.stringify(sources[0])})` },
        ],
        mark: { type: 'point', size: 70, strokeWidth: 2, filled: first },
        encoding: {
          x,
          xOffset,
          color,
          y: { field: 'value', type: 'quantitative', title: opts.ylabel ?? 'value' },
          shape: {
            field: 'source',
            type: 'nominal',
            sort: sources,
            title: null,
            scale: {
              domain: sources,
              range: ['circle', 'diamond', 'square', 'triangle-up'].slice(
                0,
                Math.max(1, sources.length),
              ),
            },
          },
        },
      })),
    ],
  };
}

/** Options of imageFigure. */
export interface ImageFigureOptions {
  /** The figure's title. */
  title?: string;
  /** A line under the title. */
  subtitle?: string;
  /** Drawn size in pixels (default the image's own). */
  width?: number;
  /** Drawn height in pixels (default the image's own). */
  height?: number;
}

/**
 * A bitmap (PNG bytes) under a title, for image grids whose pixels are the data (receptive
 * fields, adversarial examples): the SVG embeds the PNG, drawn without smoothing.
 */
export function imageFigure(
  png: Uint8Array,
  size: { width: number; height: number },
  opts: ImageFigureOptions = {},
): ChartSpec {
  const width = opts.width ?? size.width;
  const height = opts.height ?? size.height;
  const f = frame(opts.title, opts.subtitle);
  return {
    ...f,
    width,
    height,
    data: { values: [{ url: `data:image/png;base64,${base64(png)}` }] },
    mark: {
      type: 'image',
      width,
      height,
      align: 'left',
      baseline: 'top',
      aspect: false,
      smooth: false,
    },
    encoding: { url: { field: 'url', type: 'nominal' }, x: { value: 0 }, y: { value: 0 } },
    config: { ...(f.config as object), view: { stroke: null } },
  };
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 (RFC 4648), without Node's Buffer so that pages can use it too. */
export function base64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const [a, b, c] = [bytes[i], bytes[i + 1] ?? 0, bytes[i + 2] ?? 0];
    const n = (a << 16) | (b << 8) | c;
    out += B64[n >> 18] + B64[(n >> 12) & 63];
    out += i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.length ? B64[n & 63] : '=';
  }
  return out;
}
