import { ValueError } from '../errors.ts';

/* Colour maps: a value's position on a range (0..1) shown as a colour. Axes are in axis.ts. */

/** An sRGB colour, each channel 0..255. */
export type RGB = readonly [number, number, number];

/** A colour map: anchor colours at evenly spaced positions 0..1, linearly interpolated. */
export interface Colormap {
  /** Its name, e.g. 'viridis'. */
  readonly name: string;
  /** The anchor colours, from position 0 to 1. */
  readonly anchors: readonly RGB[];
}

/**
 * Viridis (van der Walt & Smith, matplotlib): perceptually uniform, monotone in lightness and
 * readable in greyscale and by colour-blind viewers. For non-negative data (similarities,
 * counts, norms). Ten samples of the published map at 0, 1/9, …, 1; interpolating between them
 * stays within a few units of the full 256-entry table.
 */
export const viridis: Colormap = {
  name: 'viridis',
  anchors: [
    [68, 1, 84],
    [72, 40, 120],
    [62, 74, 137],
    [49, 104, 142],
    [38, 130, 142],
    [31, 158, 137],
    [53, 183, 121],
    [109, 205, 89],
    [180, 222, 44],
    [253, 231, 37],
  ],
};

/**
 * Blue–white–red for signed data (weights, alignments): 0 maps to near-white so the sign and
 * the size of a value read at a glance. The two arms were chosen to have matching lightness at
 * equal distances from the centre, so +x and −x look equally strong.
 */
export const diverging: Colormap = {
  name: 'diverging',
  anchors: [
    [24, 58, 130],
    [40, 96, 170],
    [80, 140, 200],
    [160, 196, 228],
    [248, 248, 248],
    [240, 180, 160],
    [215, 110, 90],
    [180, 45, 45],
    [110, 10, 30],
  ],
};

/** Black to white, for images whose values are intensities. */
export const greys: Colormap = {
  name: 'greys',
  anchors: [
    [0, 0, 0],
    [255, 255, 255],
  ],
};

/** The colour maps, by name: viridis, diverging (blue–white–red) and greys. */
export const colormaps = { viridis, diverging, greys } as const;
/** The name of a colour map of colormaps. */
export type ColormapName = keyof typeof colormaps;

/** Drawn for NaN/±Infinity values: a neutral grey that is in none of the maps above. */
export const MISSING: RGB = [150, 150, 150];

/** Looks a colour map up by name, or passes a Colormap through. */
export function resolveColormap(map: Colormap | ColormapName): Colormap {
  if (typeof map !== 'string') {
    if (!map || !Array.isArray(map.anchors) || map.anchors.length < 2) {
      throw new ValueError('colormap: a Colormap needs at least 2 anchor colours');
    }
    return map;
  }
  const m = (colormaps as Record<string, Colormap>)[map];
  if (!m) {
    throw new ValueError(
      `colormap: unknown colour map '${map}'; use one of ${Object.keys(colormaps).join(', ')}`,
    );
  }
  return m;
}

/** The colour at position t in 0..1 (clamped), interpolated between the two nearest anchors. */
export function sampleColormap(map: Colormap | ColormapName, t: number): RGB {
  const { anchors } = resolveColormap(map);
  if (!Number.isFinite(t)) return MISSING;
  const pos = Math.min(1, Math.max(0, t)) * (anchors.length - 1);
  const i = Math.min(anchors.length - 2, Math.floor(pos));
  const f = pos - i;
  const a = anchors[i];
  const b = anchors[i + 1];
  return [
    Math.round(a[0] + (b[0] - a[0]) * f),
    Math.round(a[1] + (b[1] - a[1]) * f),
    Math.round(a[2] + (b[2] - a[2]) * f),
  ];
}

/**
 * The colour of `value` on a scale from min (first anchor) to max (last anchor). Values outside
 * the range are clamped to the end colours; NaN/Infinity give MISSING; when min = max every
 * finite value gets the middle colour, since there is no contrast to show.
 */
export function colorFor(
  value: number,
  min: number,
  max: number,
  map: Colormap | ColormapName = viridis,
): RGB {
  if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) {
    throw new ValueError(
      `colorFor: need finite min ≤ max, got min=${min}, max=${max}; compute them from finite data`,
    );
  }
  if (!Number.isFinite(value)) return MISSING;
  const t = max === min ? 0.5 : (value - min) / (max - min);
  return sampleColormap(map, t);
}
