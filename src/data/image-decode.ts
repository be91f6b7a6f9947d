// PNG and JPEG bytes as float images in [0, 1] (HWC), resized and made grey on request. No
// files here (browser-safe); loadImageFolder in own-data.ts reads a folder of them.
import { convertIndexedToRgb, decode as decodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { HebbError } from '../errors.ts';

/** A decoded image: height × width × channels values in [0, 1], row-major, channels last. */
export interface FloatImage {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** 1 (grey) or 3 (RGB); alpha is dropped. */
  channels: 1 | 3;
  /** The values, height × width × channels (length height·width·channels). */
  data: Float32Array;
}

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];
const JPEG_MAGIC = [0xff, 0xd8];

const startsWith = (b: Uint8Array, magic: number[]) => magic.every((m, i) => b[i] === m);

/**
 * A PNG (any bit depth, grey, palette, RGB, with or without alpha) or JPEG, told apart by their
 * first bytes, as values in [0, 1]: 8-bit samples / 255, 16-bit / 65535, n-bit grey / (2ⁿ − 1).
 * An image whose pixels all have R = G = B (a grey JPEG decodes so) has one channel, as a grey
 * PNG does. Alpha is dropped, not composited. `source` names the image in errors.
 */
export function decodeImage(bytes: Uint8Array, source = 'image bytes'): FloatImage {
  if (startsWith(bytes, PNG_MAGIC)) return pngImage(bytes, source);
  if (startsWith(bytes, JPEG_MAGIC)) return jpegImage(bytes, source);
  throw new HebbError(
    `${source}: neither a PNG nor a JPEG (by its first bytes); convert it to PNG`,
  );
}

function pngImage(bytes: Uint8Array, source: string): FloatImage {
  let png: ReturnType<typeof decodePng>;
  try {
    png = decodePng(bytes);
  } catch (e) {
    throw new HebbError(`${source}: not a readable PNG (${(e as Error).message})`);
  }
  const { width, height } = png;
  let samples: ArrayLike<number> = png.data;
  let channels = png.channels;
  let max = png.depth === 16 ? 65535 : 255;
  if (png.palette) {
    samples = convertIndexedToRgb(png);
    channels = png.palette[0].length;
  } else if (png.depth < 8) {
    // Grey at 1, 2 or 4 bits: samples packed into bytes, each row starting on a byte.
    const bits = png.depth;
    const perRow = Math.ceil((width * bits) / 8);
    const out = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const bit = x * bits;
        const byte = png.data[y * perRow + (bit >> 3)];
        out[y * width + x] = (byte >> (8 - bits - (bit & 7))) & ((1 << bits) - 1);
      }
    }
    samples = out;
    max = (1 << bits) - 1;
  }
  const grey = channels < 3 || equalRgb(samples, channels);
  return pixels(width, height, samples, channels, grey ? 1 : 3, max);
}

function jpegImage(bytes: Uint8Array, source: string): FloatImage {
  let img: { width: number; height: number; data: Uint8Array };
  try {
    img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false });
  } catch (e) {
    throw new HebbError(`${source}: not a readable JPEG (${(e as Error).message})`);
  }
  // jpeg-js gives 3 channels even for a grey JPEG (the one channel copied): R = G = B.
  return pixels(img.width, img.height, img.data, 3, equalRgb(img.data, 3) ? 1 : 3, 255);
}

/** Whether R = G = B in every pixel: a grey picture stored as colour is read as grey. */
function equalRgb(d: ArrayLike<number>, channels: number): boolean {
  for (let p = 0; p < d.length; p += channels) {
    if (d[p] !== d[p + 1] || d[p] !== d[p + 2]) return false;
  }
  return true;
}

/** The first `keep` of `channels` interleaved samples of each pixel, divided by max. */
function pixels(
  width: number,
  height: number,
  samples: ArrayLike<number>,
  channels: number,
  keep: 1 | 3,
  max: number,
): FloatImage {
  const n = width * height;
  const data = new Float32Array(n * keep);
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < keep; c++) data[p * keep + c] = samples[p * channels + c] / max;
  }
  return { width, height, channels: keep, data };
}

/** Colour as grey: luma 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601); grey stays as it is. */
export function toGrey(img: FloatImage): FloatImage {
  if (img.channels === 1) return img;
  const n = img.width * img.height;
  const data = new Float32Array(n);
  const d = img.data;
  for (let p = 0; p < n; p++)
    data[p] = 0.299 * d[3 * p] + 0.587 * d[3 * p + 1] + 0.114 * d[3 * p + 2];
  return { ...img, channels: 1, data };
}

/** Grey as colour: the one channel copied to R, G and B. */
export function toRgb(img: FloatImage): FloatImage {
  if (img.channels === 3) return img;
  const data = new Float32Array(img.data.length * 3);
  for (let p = 0; p < img.data.length; p++) data.fill(img.data[p], 3 * p, 3 * p + 3);
  return { ...img, channels: 3, data };
}

/**
 * Bilinear resize to height × width, sampling at pixel centres (output pixel i reads the input at
 * (i + ½)·in/out − ½, clamped at the borders), as OpenCV's INTER_LINEAR does. No antialiasing:
 * shrinking by more than 2× skips pixels.
 */
export function resizeBilinear(img: FloatImage, height: number, width: number): FloatImage {
  if (img.height === height && img.width === width) return img;
  const c = img.channels;
  const out = new Float32Array(height * width * c);
  const src = (i: number, inSize: number, outSize: number) => {
    const s = Math.min(Math.max((i + 0.5) * (inSize / outSize) - 0.5, 0), inSize - 1);
    const a = Math.floor(s);
    return { a, b: Math.min(a + 1, inSize - 1), t: s - a };
  };
  for (let y = 0; y < height; y++) {
    const sy = src(y, img.height, height);
    for (let x = 0; x < width; x++) {
      const sx = src(x, img.width, width);
      for (let k = 0; k < c; k++) {
        const at = (yy: number, xx: number) => img.data[(yy * img.width + xx) * c + k];
        const top = at(sy.a, sx.a) * (1 - sx.t) + at(sy.a, sx.b) * sx.t;
        const bottom = at(sy.b, sx.a) * (1 - sx.t) + at(sy.b, sx.b) * sx.t;
        out[(y * width + x) * c + k] = top * (1 - sy.t) + bottom * sy.t;
      }
    }
  }
  return { width, height, channels: c, data: out };
}
