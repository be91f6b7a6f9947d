// The page draws the same Vega-Lite specs the CLI renders to SVG (src/report/charts.ts).
import embed from 'vega-embed';
import type { ChartSpec } from '../../src/report/charts.ts';

export async function draw(el: HTMLElement, spec: ChartSpec): Promise<void> {
  await embed(el, spec as never, {
    actions: { export: true, source: false, compiled: false, editor: false },
    renderer: 'svg',
  });
}
