// Connectivity builders for structured similarity matching (docs/math/similarity-matching.md, Eq. 10–11, 14, Fig. 1A).
// A layer's feedforward and lateral connections are block-sparse LocalMaps: site s owns
// `unitsPerSite` neurons with a dense block over the inputs it sees. Memory is the number of
// synapses, never (ΣN)². Optional structure constants c (same layout as the weight blocks)
// scale the decay; c = 0 removes a synapse.
import type { LocalMap } from '../backend/types.ts';
import { ShapeError, ValueError } from '../errors.ts';
import { count } from '../model/wording.ts';

/** One kind of connection of a layer (feedforward or lateral): its map and structure constants. */
export interface Connections {
  /** Which inputs each site's units read. */
  map: LocalMap;
  /** Structure constants per synapse in block layout; undefined means all ones. */
  c?: Float32Array;
}

/** Where a layer's sites sit, for figures (receptive fields tiled over the image). */
export interface SiteGrid {
  /** Rows of sites. */
  rows: number;
  /** Columns of sites. */
  cols: number;
  /** Shape of the layer's input grid [H, W, C]. */
  input: [number, number, number];
  /** Pixels between neighbouring sites. */
  stride: number;
  /** How far a site sees, in pixels. */
  radius: number;
}

/** A layer's connectivity: feedforward from the layer below, lateral within the layer. */
export interface LayerStructure {
  /** Feedforward connections. */
  ff: Connections;
  /** Lateral connections. */
  lat: Connections;
  /** Where its sites sit, for local layers. */
  grid?: SiteGrid;
}

/** Units of a layer (sites × units per site). */
export function layerUnits(s: LayerStructure): number {
  return s.ff.map.sites * s.ff.map.unitsPerSite;
}

function posInt(where: string, name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) {
    throw new ValueError(`${where}: ${name} must be a positive integer, got ${v}`);
  }
}

/** Builds a map from per-site index lists. */
export function mapFromSites(inputs: number, unitsPerSite: number, sites: number[][]): LocalMap {
  const offsets = new Int32Array(sites.length + 1);
  sites.forEach((s, i) => (offsets[i + 1] = offsets[i] + s.length));
  return {
    sites: sites.length,
    unitsPerSite,
    inputs,
    offsets,
    indices: Int32Array.from(sites.flat()),
  };
}

/** Lateral connections within each site only (the site's own neurons). */
export function withinSiteLaterals(sites: number, unitsPerSite: number): LocalMap {
  const lists: number[][] = [];
  for (let s = 0; s < sites; s++) {
    lists.push(Array.from({ length: unitsPerSite }, (_, i) => s * unitsPerSite + i));
  }
  return mapFromSites(sites * unitsPerSite, unitsPerSite, lists);
}

/** The classic Földiák network: every unit sees every input and every other unit. */
export function allToAll(inputs: number, units: number): LayerStructure {
  posInt('allToAll', 'inputs', inputs);
  posInt('allToAll', 'units', units);
  return {
    ff: { map: mapFromSites(inputs, units, [Array.from({ length: inputs }, (_, j) => j)]) },
    lat: { map: withinSiteLaterals(1, units) },
  };
}

/**
 * Separate sub-networks side by side (toy experiment, Sec. 6.1): sub-network k has `units`
 * neurons seeing only its own contiguous slice of `inputs[k]` values; laterals within each.
 */
export function separateSubnetworks(inputs: number[], units: number): LayerStructure {
  if (!Array.isArray(inputs) || inputs.length === 0) {
    throw new ValueError('separateSubnetworks: inputs must list each sub-network’s input size');
  }
  inputs.forEach((k, i) => posInt('separateSubnetworks', `inputs[${i}]`, k));
  posInt('separateSubnetworks', 'units', units);
  let start = 0;
  const lists = inputs.map((k) => {
    const l = Array.from({ length: k }, (_, j) => start + j);
    start += k;
    return l;
  });
  return {
    ff: { map: mapFromSites(start, units, lists) },
    lat: { map: withinSiteLaterals(inputs.length, units) },
  };
}

/** Options of locallyConnected. */
export interface LocalGridOptions {
  /** Input grid [H, W, C] (HWC order, as the data sets store images). */
  input: [number, number, number];
  /** Pixels between neighbouring sites, along both axes. */
  stride: number;
  /** A site sees the pixels whose centre lies within this Euclidean distance of its centre. */
  radius: number;
  /** Neurons per site (NPS). */
  nps: number;
  /** Laterals reach the neurons of sites within this distance (grid units of the input);
   *  undefined: within the site only. */
  lateralRadius?: number;
}

/**
 * Locally connected layer on a 2-D grid (Fig. 1A): sites every `stride` pixels with centres
 * (i·s + s/2, j·s + s/2), pixel centres (k + ½, l + ½), a site sees all pixels (all channels)
 * within `radius`. Throws when a site would see nothing or the grid does not fit.
 */
export function locallyConnected(o: LocalGridOptions): LayerStructure {
  const where = 'locallyConnected';
  if (!Array.isArray(o.input) || o.input.length !== 3) {
    throw new ShapeError(
      `${where}: input must be [height, width, channels], got ${JSON.stringify(o.input)}`,
    );
  }
  const [H, W, C] = o.input;
  posInt(where, 'input height', H);
  posInt(where, 'input width', W);
  posInt(where, 'input channels', C);
  posInt(where, 'stride', o.stride);
  posInt(where, 'nps', o.nps);
  if (!(o.radius > 0) || !Number.isFinite(o.radius)) {
    throw new ValueError(`${where}: radius must be a finite number > 0, got ${o.radius}`);
  }
  const rows = Math.floor(H / o.stride);
  const cols = Math.floor(W / o.stride);
  if (rows < 1 || cols < 1) {
    throw new ShapeError(
      `${where}: stride ${o.stride} is larger than the ${H}×${W} input grid; use stride ≤ ${Math.min(H, W)}`,
    );
  }
  const centre = (i: number) => i * o.stride + o.stride / 2;
  const r2 = o.radius * o.radius;
  const lists: number[][] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const [cy, cx] = [centre(i), centre(j)];
      const l: number[] = [];
      for (let k = 0; k < H; k++) {
        for (let m = 0; m < W; m++) {
          const [dy, dx] = [k + 0.5 - cy, m + 0.5 - cx];
          if (dy * dy + dx * dx <= r2) for (let c = 0; c < C; c++) l.push((k * W + m) * C + c);
        }
      }
      if (l.length === 0) {
        throw new ValueError(
          `${where}: radius ${o.radius} connects site (${i}, ${j}) to no pixel (the nearest pixel ` +
            `centre is ${Math.SQRT1_2.toFixed(3)}+ away); use a radius ≥ ${(o.stride / 2) * Math.SQRT2}`,
        );
      }
      lists.push(l);
    }
  }
  const sites = rows * cols;
  let lat = withinSiteLaterals(sites, o.nps);
  if (o.lateralRadius !== undefined) {
    if (!(o.lateralRadius >= 0) || !Number.isFinite(o.lateralRadius)) {
      throw new ValueError(
        `${where}: lateralRadius must be a finite number ≥ 0, got ${o.lateralRadius}`,
      );
    }
    const lr2 = o.lateralRadius * o.lateralRadius;
    const latLists: number[][] = [];
    for (let s = 0; s < sites; s++) {
      const l: number[] = [];
      for (let t = 0; t < sites; t++) {
        const dy = centre(Math.floor(s / cols)) - centre(Math.floor(t / cols));
        const dx = centre(s % cols) - centre(t % cols);
        if (dy * dy + dx * dx <= lr2) for (let u = 0; u < o.nps; u++) l.push(t * o.nps + u);
      }
      latLists.push(l);
    }
    lat = mapFromSites(sites * o.nps, o.nps, latLists);
  }
  return {
    ff: { map: mapFromSites(H * W * C, o.nps, lists) },
    lat: { map: lat },
    grid: { rows, cols, input: [H, W, C], stride: o.stride, radius: o.radius },
  };
}

/**
 * Structure from dense structure-constant matrices (cW: N×K, cL: N×N, row-major, ≥ 0; zeros
 * remove synapses). Stored as one dense site — meant for small networks and tests.
 */
export function fromStructureConstants(
  units: number,
  inputs: number,
  cW: Float32Array,
  cL: Float32Array,
): LayerStructure {
  const s = allToAll(inputs, units);
  if (cW.length !== units * inputs || cL.length !== units * units) {
    throw new ShapeError(
      `fromStructureConstants: cW has ${cW.length} and cL ${count(cL.length, 'value')} but must be ` +
        `units×inputs = ${units * inputs} and units×units = ${units * units}`,
    );
  }
  s.ff.c = Float32Array.from(cW);
  s.lat.c = Float32Array.from(cL);
  return s;
}

// --- declarative layer specs (JSON: what a saved network is rebuilt from) ---

/** A built structure in JSON form (typed arrays as plain arrays), for any hand-made layer. */
export interface CustomLayerSpec {
  /** Always 'custom'. */
  type: 'custom';
  /** Feedforward connections. */
  ff: {
    /** The map. */
    map: LocalMapJson;
    /** Structure constants per synapse; absent: all ones. */
    c?: number[];
  };
  /** Lateral connections. */
  lat: {
    /** The map. */
    map: LocalMapJson;
    /** Structure constants per synapse; absent: all ones. */
    c?: number[];
  };
  /** Where its sites sit, for local layers. */
  grid?: SiteGrid;
}

/** A LocalMap in JSON form: sites × unitsPerSite units, each with its inputs in CSR layout. */
export interface LocalMapJson {
  /** Number of sites. */
  sites: number;
  /** Output units each site owns. */
  unitsPerSite: number;
  /** Length of the input vector. */
  inputs: number;
  /** Start of each site's input list in `indices` (length sites + 1). */
  offsets: number[];
  /** The input indices every site reads, site after site. */
  indices: number[];
}

/**
 * A layer described by its kind, on the grid of the layer below (the input for the first):
 * - dense: every unit sees every input and every other unit (the Földiák network);
 * - local: sites every `stride` on the grid below, `nps` neurons per site seeing what lies
 *   within `radius` (Fig. 1A); laterals within the site or within `lateralRadius`;
 * - separate: side-by-side sub-networks of `units` neurons, each on its own slice of inputs.
 */
export type LayerSpec =
  | {
      /** Every unit sees every input and every other unit. */
      type: 'dense';
      /** Number of units. */
      units: number;
    }
  | {
      /** Sites on the grid below, each seeing what lies within radius. */
      type: 'local';
      /** Pixels (grid cells) between neighbouring sites. */
      stride: number;
      /** How far a site sees. */
      radius: number;
      /** Neurons per site. */
      nps: number;
      /** How far laterals reach; absent: within the site only. */
      lateralRadius?: number;
    }
  | {
      /** Side-by-side sub-networks, each on its own slice of inputs. */
      type: 'separate';
      /** The input size of each sub-network. */
      inputs: number[];
      /** Neurons per sub-network. */
      units: number;
    }
  | CustomLayerSpec;

/** The grid a layer presents to the next one: [rows, cols, neurons per site]. */
export function outputGrid(s: LayerStructure): [number, number, number] {
  if (s.grid) return [s.grid.rows, s.grid.cols, s.ff.map.unitsPerSite];
  return [1, layerUnits(s), 1];
}

/** Builds a layer from its spec on an input grid [H, W, C]. */
export function buildLayer(
  spec: LayerSpec,
  input: [number, number, number],
  where: string,
): LayerStructure {
  if (spec === null || typeof spec !== 'object') {
    throw new ValueError(
      `${where}: a layer must be a spec like {type: 'local', stride: 2, radius: 4, nps: 16}, got ${String(spec)}`,
    );
  }
  const inputs = input[0] * input[1] * input[2];
  switch (spec.type) {
    case 'dense':
      return allToAll(inputs, spec.units);
    case 'local':
      return locallyConnected({
        input,
        stride: spec.stride,
        radius: spec.radius,
        nps: spec.nps,
        lateralRadius: spec.lateralRadius,
      });
    case 'separate': {
      const total = (spec.inputs ?? []).reduce((a, b) => a + b, 0);
      if (total !== inputs) {
        throw new ShapeError(
          `${where}: separate sub-networks read ${total} inputs but the layer below gives ${inputs}`,
        );
      }
      return separateSubnetworks(spec.inputs, spec.units);
    }
    case 'custom':
      return fromJson(spec);
    default:
      throw new ValueError(
        `${where}: unknown layer type '${String((spec as { type: unknown }).type)}'; use 'dense', 'local', 'separate' or 'custom'`,
      );
  }
}

/** A built structure as a custom spec (JSON-able). */
export function toJson(s: LayerStructure): CustomLayerSpec {
  const map = (m: LocalMap): LocalMapJson => ({
    sites: m.sites,
    unitsPerSite: m.unitsPerSite,
    inputs: m.inputs,
    offsets: Array.from(m.offsets),
    indices: Array.from(m.indices),
  });
  const conn = (c: Connections) => ({ map: map(c.map), ...(c.c ? { c: Array.from(c.c) } : {}) });
  return { type: 'custom', ff: conn(s.ff), lat: conn(s.lat), ...(s.grid ? { grid: s.grid } : {}) };
}

function fromJson(spec: CustomLayerSpec): LayerStructure {
  const map = (m: LocalMapJson): LocalMap => ({
    sites: m.sites,
    unitsPerSite: m.unitsPerSite,
    inputs: m.inputs,
    offsets: Int32Array.from(m.offsets),
    indices: Int32Array.from(m.indices),
  });
  const conn = (c: CustomLayerSpec['ff']): Connections => ({
    map: map(c.map),
    ...(c.c ? { c: Float32Array.from(c.c) } : {}),
  });
  return { ff: conn(spec.ff), lat: conn(spec.lat), ...(spec.grid ? { grid: spec.grid } : {}) };
}
