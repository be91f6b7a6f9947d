// The pixels of an image grid and their PNG encoding (browser-safe: the playground draws the
// same grids; writing files is report/render.ts). Text, axes and charts are not drawn here:
// they are SVG (report/charts.ts).
import { encode } from 'fast-png';
import { ValueError } from '../errors.ts';
import type { RGB } from './colormap.ts';

export type { RGB } from './colormap.ts';

export const WHITE: RGB = [255, 255, 255];

/** Beyond this a figure is a mistake (e.g. a scale too large), not something to view. */
const MAX_PIXELS = 100_000_000;

/** An RGB image, row-major, 3 bytes a pixel. */
export class Raster {
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
  /** The pixels as RGB bytes, row after row (length width × height × 3). */
  readonly data: Uint8Array;

  constructor(width: number, height: number, background: RGB = WHITE) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new ValueError(
        `Raster: width and height must be positive integers, got ${width}×${height}`,
      );
    }
    if (width * height > MAX_PIXELS) {
      throw new ValueError(
        `Raster: ${width}×${height} is over ${MAX_PIXELS} pixels; use a smaller scale`,
      );
    }
    this.width = width;
    this.height = height;
    this.data = new Uint8Array(width * height * 3);
    for (let i = 0; i < this.data.length; i += 3) this.data.set(background, i);
  }

  /** The colour of pixel (x, y), (0, 0) the top-left one. */
  getPixel(x: number, y: number): RGB {
    if (!(x >= 0 && y >= 0 && x < this.width && y < this.height) || x % 1 || y % 1) {
      throw new ValueError(`getPixel: (${x}, ${y}) is not a pixel of ${this.width}×${this.height}`);
    }
    const i = (y * this.width + x) * 3;
    return [this.data[i], this.data[i + 1], this.data[i + 2]];
  }

  /** Fills the w×h rectangle whose top-left pixel is (x, y), clipped to the image. */
  rect(x: number, y: number, w: number, h: number, color: RGB): void {
    const x0 = Math.max(0, Math.round(x));
    const y0 = Math.max(0, Math.round(y));
    const x1 = Math.min(this.width, Math.round(x + w));
    const y1 = Math.min(this.height, Math.round(y + h));
    for (let yy = y0; yy < y1; yy++)
      for (let xx = x0; xx < x1; xx++) this.data.set(color, (yy * this.width + xx) * 3);
  }
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
