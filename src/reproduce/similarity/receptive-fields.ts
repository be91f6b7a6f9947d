// Receptive fields of a locally connected first layer (similarity train, sm-mnist): each site's
// feedforward weights drawn in a window around the site, tiled in the sites' grid order.
import { join } from 'node:path';
import { Matrix } from '../../backend/matrix.ts';
import { receptiveFieldGrid } from '../../report/image-grid.ts';
import { saveImageGrid } from '../../report/render.ts';
import type { SimilarityNetwork } from '../../similarity/network.ts';

/**
 * Receptive fields of unit `unit` of every site, each drawn in its own window around the
 * site centre, tiled in the sites' grid order (so the figure is laid out like the image).
 */
export function siteReceptiveFields(
  net: SimilarityNetwork,
  unit: number,
): { fields: Matrix; present: Matrix } {
  const s = net.layers[0];
  const g = s.grid!;
  const { map } = s.ff;
  const [, W] = g.input;
  const win = windowOf(g.stride, g.radius);
  const fields = Matrix.zeros(map.sites, win.size * win.size);
  // 1 where the pixel is a synapse of the site: the disc of the radius, cut at the image edge
  const present = Matrix.zeros(map.sites, win.size * win.size);
  for (let site = 0; site < map.sites; site++) {
    const [i, j] = [Math.floor(site / g.cols), site % g.cols];
    const [y0, x0] = [win.start(i), win.start(j)];
    const o0 = map.offsets[site];
    const P = map.offsets[site + 1] - o0;
    for (let k = 0; k < P; k++) {
      const pix = map.indices[o0 + k];
      const [py, px] = [Math.floor(pix / W) - y0, (pix % W) - x0];
      if (py < 0 || px < 0 || py >= win.size || px >= win.size)
        throw new Error(
          `siteReceptiveFields: site ${site} reaches outside its ${win.size}×${win.size} window`,
        );
      const at = site * win.size * win.size + py * win.size + px;
      fields.data[at] = net.W[0].w[map.unitsPerSite * o0 + unit * P + k];
      present.data[at] = 1;
    }
  }
  return { fields, present };
}

/** All units of one site in its window. */
export function unitsOfSite(
  net: SimilarityNetwork,
  site: number,
): { fields: Matrix; present: Matrix } {
  const n = net.layers[0].ff.map.unitsPerSite;
  const all = Array.from({ length: n }, (_, u) => siteReceptiveFields(net, u));
  const cols = all[0].fields.cols;
  const fields = Matrix.zeros(n, cols);
  const present = Matrix.zeros(n, cols);
  all.forEach((r, u) => {
    fields.data.set(r.fields.row(site), u * cols);
    present.data.set(r.present.row(site), u * cols);
  });
  return { fields, present };
}

function windowOf(stride: number, radius: number) {
  const c = stride / 2; // centre of site 0
  const lo = Math.ceil(c - radius - 0.5);
  const hi = Math.floor(c + radius - 0.5);
  return { size: hi - lo + 1, start: (i: number) => i * stride + lo };
}

/** Gaps and pixels outside a field: a light grey, apart from white (a weight of 0). */
const LIGHT: [number, number, number] = [212, 212, 212];

/**
 * Two figures of the first layer into dir (PNG, and a titled SVG beside each): neuron 0 of
 * every site, and every neuron of the centre site. Returns the SVGs' names.
 */
export async function saveReceptiveFieldFigures(
  net: SimilarityNetwork,
  dir: string,
  tag: string,
): Promise<string[]> {
  const g = net.layers[0].grid!;
  const win = windowOf(g.stride, g.radius);
  const n = net.layers[0].ff.map.unitsPerSite;
  // One colour scale per figure (± the 99.5th percentile of |w|), so sites compare; pixels
  // outside a site's field (the window's corners, past the image edge) are left grey.
  const site = siteReceptiveFields(net, 0);
  const a = `rf-nps${tag}-unit0-per-site`;
  await saveImageGrid(
    join(dir, `${a}.png`),
    receptiveFieldGrid(site.fields, {
      height: win.size,
      width: win.size,
      columns: g.cols,
      signed: true,
      sharedRange: true,
      present: site.present,
      border: LIGHT,
      scale: 4,
      padding: 2,
    }),
    {
      title: `Neuron 0 of every site (${g.rows}×${g.cols} sites, ${win.size}×${win.size} windows, radius ${g.radius})`,
      subtitle: 'red positive, blue negative, one scale for all sites; grey: not a synapse',
    },
  );
  const centre = Math.floor(g.rows / 2) * g.cols + Math.floor(g.cols / 2);
  const units = unitsOfSite(net, centre);
  const b = `rf-nps${tag}-centre-site-units`;
  await saveImageGrid(
    join(dir, `${b}.png`),
    receptiveFieldGrid(units.fields, {
      height: win.size,
      width: win.size,
      signed: true,
      sharedRange: true,
      present: units.present,
      border: LIGHT,
      scale: 8,
    }),
    {
      title: `All ${n} neurons of the centre site (${win.size}×${win.size} window)`,
      subtitle: 'red positive, blue negative, one scale; grey: not a synapse',
    },
  );
  return [`${a}.svg`, `${b}.svg`];
}
