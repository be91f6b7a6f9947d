import { colorFor, diverging, sampleColormap } from '../../report/colormap.ts';
import { lineChart, type Series } from '../../report/figures.ts';
import { measureText, Raster, WHITE, type RGB } from '../../report/raster.ts';

const INK: RGB = [40, 40, 40];
const LABEL = { scale: 2 } as const;

/** Compact label of a small positive number: 0, 5e-5, 0.003 → '3e-3'. */
export function shortNumber(v: number): string {
  if (v === 0) return '0';
  const [m, e] = v.toExponential(0).split('e');
  return `${m}e${Number(e)}`;
}

/**
 * Phase diagram: cells coloured by alignment (blue < 0 < red, symmetric range), rows σ (largest
 * at the top), columns γ, both on log axes (equally spaced values), each cell printed with its
 * value, and the line γ = σ² drawn where it crosses the grid.
 */
export function phaseFigure(
  grid: number[][],
  sigmas: number[],
  decays: number[],
  title: string,
): Raster {
  const cell = 78;
  const nr = sigmas.length;
  const nc = decays.length;
  const left = 120;
  const top = 50;
  const barX = left + nc * cell + 30;
  const width = barX + 120;
  const height = top + nr * cell + 70;
  const out = new Raster(width, height, WHITE);
  out.text(title, 10, 12, INK, { scale: 2, bold: true });
  let m = 0;
  for (const row of grid) for (const v of row) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
  m = m || 1;
  // row i of the figure is sigma index nr−1−i (largest σ on top)
  for (let i = 0; i < nr; i++) {
    const si = nr - 1 - i;
    for (let j = 0; j < nc; j++) {
      const v = grid[si][j];
      const x = left + j * cell;
      const y = top + i * cell;
      out.rect(x, y, cell, cell, colorFor(v, -m, m, diverging));
      const s = Number.isFinite(v) ? v.toFixed(2) : 'n/a';
      const ink: RGB = Math.abs(v) > 0.55 * m ? [255, 255, 255] : INK; // readable on dark cells
      out.text(s, x + cell / 2, y + cell / 2, ink, { ...LABEL, align: 'center', valign: 'middle' });
    }
    out.text(shortNumber(sigmas[si]), left - 8, top + i * cell + cell / 2, INK, {
      ...LABEL,
      align: 'right',
      valign: 'middle',
    });
  }
  for (let j = 0; j < nc; j++) {
    out.text(shortNumber(decays[j]), left + j * cell + cell / 2, top + nr * cell + 8, INK, {
      ...LABEL,
      align: 'center',
    });
  }
  out.strokeRect(left - 1, top - 1, nc * cell + 2, nr * cell + 2, INK);
  out.text('weight decay γ (log)', left + (nc * cell) / 2, top + nr * cell + 34, INK, {
    ...LABEL,
    align: 'center',
  });
  out.text('noise σ (log)', 14, top + (nr * cell) / 2, INK, {
    ...LABEL,
    vertical: true,
    align: 'center',
    valign: 'middle',
  });
  // γ = σ²: cell centres sit at log-spaced values, so interpolate log10 positions
  const pos = (vals: number[], v: number) => {
    const lv = vals.map(Math.log10);
    const t = Math.log10(v);
    for (let k = 0; k + 1 < lv.length; k++) {
      if ((t - lv[k]) * (t - lv[k + 1]) <= 0) return k + (t - lv[k]) / (lv[k + 1] - lv[k]);
    }
    return t < lv[0] === lv[0] < lv[lv.length - 1] ? -Infinity : Infinity;
  };
  const pts: [number, number][] = [];
  for (let k = 0; k <= 200; k++) {
    const ls = Math.log10(sigmas[0]) + (k / 200) * Math.log10(sigmas[nr - 1] / sigmas[0]);
    const sigma = 10 ** ls;
    const col = pos(decays, sigma * sigma);
    const row = pos(sigmas, sigma);
    if (!Number.isFinite(col)) continue;
    pts.push([left + (col + 0.5) * cell, top + (nr - 1 - row + 0.5) * cell]);
  }
  for (let k = 0; k + 1 < pts.length; k++) {
    for (const d of [-1, 0, 1])
      out.line(pts[k][0], pts[k][1] + d, pts[k + 1][0], pts[k + 1][1] + d, [0, 0, 0]);
  }
  out.text('black line: γ = σ²', left + nc * cell, top + nr * cell + 54, INK, {
    scale: 1,
    align: 'right',
  });
  // colour bar
  const barH = nr * cell;
  for (let y = 0; y < barH; y++)
    out.rect(barX, top + y, 20, 1, sampleColormap(diverging, 1 - y / (barH - 1)));
  out.strokeRect(barX - 1, top - 1, 22, barH + 2, INK);
  out.text(`+${m.toFixed(2)}`, barX + 26, top, INK, LABEL);
  out.text('0', barX + 26, top + barH / 2, INK, { ...LABEL, valign: 'middle' });
  out.text(`-${m.toFixed(2)}`, barX + 26, top + barH, INK, { ...LABEL, valign: 'bottom' });
  return out;
}

/** Two charts stacked (e.g. alignment above, validation loss below). */
export function stack(top: Raster, bottom: Raster): Raster {
  const out = new Raster(Math.max(top.width, bottom.width), top.height + bottom.height, WHITE);
  out.blit(top, 0, 0);
  out.blit(bottom, 0, top.height);
  return out;
}

/** Measured alignment vs γ per rule, beside the paper's values (γ = 0 drawn at x = 5e-6). */
export function tableFigure(
  rows: { rule: string; decays: number[]; ours: number[]; paper: (number | null)[] }[],
): Raster {
  const series: Series[] = [];
  const x = (d: number) => (d === 0 ? 5e-6 : d);
  rows.forEach((r, k) => {
    series.push({ name: `${r.rule} (ours)`, x: r.decays.map(x), y: r.ours, color: PALETTE[k] });
    series.push({
      name: `${r.rule} (paper)`,
      x: r.decays.map(x),
      y: r.paper.map((v) => (v === null ? NaN : v)),
      color: PALETTE[k].map((c) => Math.round(c + (255 - c) * 0.55)) as unknown as RGB,
    });
  });
  return lineChart(series, {
    title: 'cos(g, H) at the end of training vs weight decay',
    xlabel: 'weight decay γ (log; γ = 0 drawn at 5e-6)',
    ylabel: 'alignment',
    logX: true,
    width: 820,
    height: 520,
  });
}

export const PALETTE: RGB[] = [
  [31, 119, 180],
  [214, 39, 40],
  [44, 160, 44],
  [148, 103, 189],
  [255, 127, 14],
  [140, 86, 75],
];

export { measureText };
