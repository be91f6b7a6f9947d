import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { encode } from 'fast-png';
import { ValueError } from '../errors.ts';
import { writeFileAtomic } from '../io/atomic.ts';
import type { RGB } from './colormap.ts';
import { CAP_ROWS, CELL_ROWS, glyph, textUnits } from './font.ts';

export type { RGB } from './colormap.ts';

export const WHITE: RGB = [255, 255, 255];
export const BLACK: RGB = [0, 0, 0];

/** An axis-aligned rectangle in pixels; (x, y) is the top-left pixel. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface TextStyle {
  /** Integer size multiplier of the 5×7 font: 1 → 7 px capitals, 2 → 14 px. Default 1. */
  scale?: number;
  /** Thickens strokes by one pixel (for titles). */
  bold?: boolean;
  /** Which side of the text box x refers to. Default 'left'. */
  align?: 'left' | 'center' | 'right';
  /** Which part y refers to: the box top, the middle of the capitals, or the box bottom. */
  valign?: 'top' | 'middle' | 'bottom';
  /** Rotated 90° anticlockwise (reads bottom to top), as for a y-axis label. */
  vertical?: boolean;
}

/** Beyond this a figure is a mistake (e.g. cellSize too large), not something to view. */
const MAX_PIXELS = 100_000_000;

/** Width and height in pixels of the box `text` fills (before any rotation). */
export function measureText(s: string, style: TextStyle = {}): { width: number; height: number } {
  const scale = checkScale(style.scale);
  const width = textUnits(s) * scale + (style.bold && s.length > 0 ? 1 : 0);
  return { width, height: CELL_ROWS * scale };
}

function checkScale(scale = 1): number {
  if (!Number.isInteger(scale) || scale < 1) {
    throw new ValueError(`text: scale must be a positive integer, got ${scale}`);
  }
  return scale;
}

/** A tiny RGB image with the drawing operations the figures need. Row-major, 3 bytes a pixel. */
export class Raster {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
  /** Named areas a figure drew (e.g. 'plot', 'colorbar'), so callers need not redo the layout. */
  readonly regions: Record<string, Rect> = {};
  /** When set, drawing outside this rectangle is discarded (e.g. lines leaving a plot area). */
  clip: Rect | null = null;

  constructor(width: number, height: number, background: RGB = WHITE) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new ValueError(
        `Raster: width and height must be positive integers, got ${width}×${height}`,
      );
    }
    if (width * height > MAX_PIXELS) {
      throw new ValueError(
        `Raster: ${width}×${height} is over ${MAX_PIXELS} pixels; use a smaller scale or cell size`,
      );
    }
    this.width = width;
    this.height = height;
    this.data = new Uint8Array(width * height * 3);
    this.fill(background);
  }

  fill(color: RGB): void {
    for (let i = 0; i < this.data.length; i += 3) {
      this.data[i] = color[0];
      this.data[i + 1] = color[1];
      this.data[i + 2] = color[2];
    }
  }

  /** Whether (x, y) is a pixel of the raster and inside the clip rectangle. */
  contains(x: number, y: number): boolean {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return false;
    const c = this.clip;
    return !c || (x >= c.x && y >= c.y && x < c.x + c.width && y < c.y + c.height);
  }

  getPixel(x: number, y: number): RGB {
    if (!(x >= 0 && y >= 0 && x < this.width && y < this.height) || x % 1 || y % 1) {
      throw new ValueError(`getPixel: (${x}, ${y}) is not a pixel of ${this.width}×${this.height}`);
    }
    const i = (y * this.width + x) * 3;
    return [this.data[i], this.data[i + 1], this.data[i + 2]];
  }

  /** Sets one pixel; coordinates are rounded and points outside are ignored. */
  setPixel(x: number, y: number, color: RGB): void {
    x = Math.round(x);
    y = Math.round(y);
    if (!this.contains(x, y)) return;
    const i = (y * this.width + x) * 3;
    this.data[i] = color[0];
    this.data[i + 1] = color[1];
    this.data[i + 2] = color[2];
  }

  /** Mixes color into a pixel with weight alpha in 0..1 (for antialiased edges). */
  blend(x: number, y: number, color: RGB, alpha: number): void {
    if (alpha <= 0 || !this.contains(x, y)) return;
    const a = Math.min(1, alpha);
    const i = (y * this.width + x) * 3;
    for (let k = 0; k < 3; k++) {
      this.data[i + k] = Math.round(this.data[i + k] * (1 - a) + color[k] * a);
    }
  }

  /** Fills the w×h rectangle whose top-left pixel is (x, y). */
  rect(x: number, y: number, w: number, h: number, color: RGB): void {
    const x0 = Math.max(0, Math.round(x));
    const y0 = Math.max(0, Math.round(y));
    const x1 = Math.min(this.width, Math.round(x + w));
    const y1 = Math.min(this.height, Math.round(y + h));
    for (let yy = y0; yy < y1; yy++) {
      for (let xx = x0; xx < x1; xx++) this.setPixel(xx, yy, color);
    }
  }

  /** A one-pixel outline just inside the w×h rectangle at (x, y). */
  strokeRect(x: number, y: number, w: number, h: number, color: RGB): void {
    this.rect(x, y, w, 1, color);
    this.rect(x, y + h - 1, w, 1, color);
    this.rect(x, y, 1, h, color);
    this.rect(x + w - 1, y, 1, h, color);
  }

  /** A crisp one-pixel line (Bresenham), for axes, ticks and frames. */
  line(x0: number, y0: number, x1: number, y1: number, color: RGB): void {
    this.bresenham(x0, y0, x1, y1, (x, y) => this.setPixel(x, y, color));
  }

  /** A one-pixel line drawn `dash` pixels on, `gap` pixels off (grid lines, reference levels). */
  dashedLine(x0: number, y0: number, x1: number, y1: number, color: RGB, dash = 4, gap = 3): void {
    if (!(dash >= 1 && gap >= 0)) {
      throw new ValueError(`dashedLine: need dash ≥ 1 and gap ≥ 0, got ${dash} and ${gap}`);
    }
    this.bresenham(x0, y0, x1, y1, (x, y, k) => {
      if (k % (dash + gap) < dash) this.setPixel(x, y, color);
    });
  }

  /** Calls plot(x, y, k) for the k-th integer point of the segment, from start to end. */
  private bresenham(
    x0: number,
    y0: number,
    x1: number,
    y1: number,
    plot: (x: number, y: number, k: number) => void,
  ): void {
    let x = Math.round(x0);
    let y = Math.round(y0);
    const xe = Math.round(x1);
    const ye = Math.round(y1);
    const dx = Math.abs(xe - x);
    const dy = -Math.abs(ye - y);
    const sx = x < xe ? 1 : -1;
    const sy = y < ye ? 1 : -1;
    let err = dx + dy;
    for (let k = 0; ; k++) {
      plot(x, y, k);
      if (x === xe && y === ye) return;
      const e2 = 2 * err;
      if (e2 >= dy) {
        err += dy;
        x += sx;
      }
      if (e2 <= dx) {
        err += dx;
        y += sy;
      }
    }
  }

  /**
   * An antialiased polyline of the given width through (xs[i], ys[i]) in pixel coordinates
   * (pixel centres are integers). A NaN coordinate breaks the line; a point with no neighbour
   * is drawn as a dot so that it stays visible. Coverage is the maximum over segments, not a
   * sum, so joints and self-crossings are not darkened twice.
   */
  polyline(xs: ArrayLike<number>, ys: ArrayLike<number>, color: RGB, width = 2): void {
    const hw = width / 2;
    const cover = new Float32Array(this.width * this.height);
    const ok = (i: number) => Number.isFinite(xs[i]) && Number.isFinite(ys[i]);
    for (let i = 0; i < xs.length; i++) {
      if (!ok(i)) continue;
      const prev = i > 0 && ok(i - 1);
      const next = i + 1 < xs.length && ok(i + 1);
      if (next) this.coverSegment(cover, xs[i], ys[i], xs[i + 1], ys[i + 1], hw);
      else if (!prev) this.coverSegment(cover, xs[i], ys[i], xs[i], ys[i], Math.max(hw + 1, 2.5));
    }
    for (let p = 0; p < cover.length; p++) {
      if (cover[p] > 0) this.blend(p % this.width, Math.floor(p / this.width), color, cover[p]);
    }
  }

  /** A filled antialiased disc (legend markers, isolated points). */
  dot(cx: number, cy: number, radius: number, color: RGB): void {
    const cover = new Float32Array(this.width * this.height);
    this.coverSegment(cover, cx, cy, cx, cy, radius);
    for (let p = 0; p < cover.length; p++) {
      if (cover[p] > 0) this.blend(p % this.width, Math.floor(p / this.width), color, cover[p]);
    }
  }

  /** Pixel coverage of a capsule (segment thickened by hw), maxed into `cover`. */
  private coverSegment(
    cover: Float32Array,
    ax: number,
    ay: number,
    bx: number,
    by: number,
    hw: number,
  ): void {
    // Pull far-off endpoints in first (a value way beyond a fixed yRange can land at 1e30 px,
    // where the distance maths below would lose all precision).
    const lim = 4 * (this.width + this.height);
    if (Math.max(Math.abs(ax), Math.abs(ay), Math.abs(bx), Math.abs(by)) > lim) {
      const cut = shorten(ax, ay, bx, by, lim);
      if (!cut) return;
      [ax, ay, bx, by] = cut;
    }
    const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - hw - 1));
    const x1 = Math.min(this.width - 1, Math.ceil(Math.max(ax, bx) + hw + 1));
    const y0 = Math.max(0, Math.floor(Math.min(ay, by) - hw - 1));
    const y1 = Math.min(this.height - 1, Math.ceil(Math.max(ay, by) + hw + 1));
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const t = len2 === 0 ? 0 : Math.min(1, Math.max(0, ((x - ax) * dx + (y - ay) * dy) / len2));
        const d = Math.hypot(x - (ax + t * dx), y - (ay + t * dy));
        const c = Math.min(1, hw + 0.5 - d);
        const p = y * this.width + x;
        if (c > cover[p]) cover[p] = c;
      }
    }
  }

  /**
   * Draws one line of text in the built-in font and returns the box it occupies. With
   * `vertical`, the text is turned to read bottom to top and align/valign refer to the turned
   * box ('middle' = its centre).
   */
  text(s: string, x: number, y: number, color: RGB, style: TextStyle = {}): Rect {
    const scale = checkScale(style.scale);
    const { width: tw, height: th } = measureText(s, style);
    const [bw, bh] = style.vertical ? [th, tw] : [tw, th];
    const align = style.align ?? 'left';
    const valign = style.valign ?? 'top';
    const left = Math.round(align === 'left' ? x : align === 'center' ? x - bw / 2 : x - bw);
    const mid = style.vertical ? bh / 2 : (CAP_ROWS * scale) / 2;
    const top = Math.round(valign === 'top' ? y : valign === 'middle' ? y - mid : y - bh);
    const thick = scale + (style.bold ? 1 : 0); // bold: each stroke one pixel wider
    let pen = 0;
    for (const ch of s) {
      const g = glyph(ch);
      for (const [c, r] of g.ink) {
        for (let i = 0; i < thick; i++) {
          for (let j = 0; j < scale; j++) {
            const u = (pen + c) * scale + i; // along the text
            const v = r * scale + j; // down the glyph
            if (style.vertical) this.setPixel(left + v, top + tw - 1 - u, color);
            else this.setPixel(left + u, top + v, color);
          }
        }
      }
      pen += g.advance;
    }
    return { x: left, y: top, width: bw, height: bh };
  }

  /** Copies src onto this raster with its top-left pixel at (x, y). */
  blit(src: Raster, x: number, y: number): void {
    for (let yy = 0; yy < src.height; yy++) {
      for (let xx = 0; xx < src.width; xx++) this.setPixel(x + xx, y + yy, src.getPixel(xx, yy));
    }
  }
}

/**
 * Cuts a segment with an endpoint far outside the raster down to the square |x|, |y| ≤ lim, so
 * the distance maths keeps its precision (a log axis can map a point to 1e30 px); null when the
 * segment lies wholly beyond one side. Each end is moved along the line from the other end.
 */
function shorten(ax: number, ay: number, bx: number, by: number, lim: number): number[] | null {
  if ((ax > lim && bx > lim) || (ax < -lim && bx < -lim)) return null;
  if ((ay > lim && by > lim) || (ay < -lim && by < -lim)) return null;
  const pull = (px: number, py: number, qx: number, qy: number): [number, number] => {
    if (Math.abs(px) > lim) {
      const cx = Math.sign(px) * lim;
      py = qy + ((cx - qx) * (py - qy)) / (px - qx);
      px = cx;
    }
    if (Math.abs(py) > lim) {
      const cy = Math.sign(py) * lim;
      px = qx + ((cy - qy) * (px - qx)) / (py - qy);
      py = cy;
    }
    return [px, py];
  };
  [ax, ay] = pull(ax, ay, bx, by);
  [bx, by] = pull(bx, by, ax, ay);
  return [ax, ay, bx, by];
}

/** The raster as PNG bytes (8-bit RGB, no alpha). */
export function toPng(raster: Raster): Uint8Array {
  return encode({
    width: raster.width,
    height: raster.height,
    data: raster.data,
    channels: 3,
    depth: 8,
  });
}

/**
 * Writes the raster as a PNG file. The write is atomic (temp file + rename), so a viewer or a
 * crash never sees half an image; missing parent directories are created.
 */
export function savePng(path: string, raster: Raster): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, toPng(raster));
}
