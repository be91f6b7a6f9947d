// The emergence tab: one network of Table 1's set-up trained with fitAsync on the page's
// thread (it yields every 25 ms), the alignment of each layer's signal with the Hebbian update
// drawn as it fills.
import { EmergenceLearner, getBackend } from '../../src/browser.ts';
import { tableOptions, tableTask } from '../../src/emergence/paper-setup.ts';
import type { RuleName } from '../../src/emergence/rules.ts';
import { regularTrace } from '../../src/emergence/trace.ts';
import { lineChart, type Series } from '../../src/report/charts.ts';
import { draw } from './chart.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
// Table 1's set-up (src/reproduce/emergence/table.ts): 20 000 samples, 30 epochs, batch 256
const EPOCHS = 30;
const METRICS_EVERY = 10;

export function emergencePanel(): void {
  const decay = $<HTMLInputElement>('em-decay');
  const noise = $<HTMLInputElement>('em-noise');
  const noiseOn = $<HTMLInputElement>('em-noise-on');
  const label = () => {
    $('em-decay-value').textContent = `γ = ${(10 ** Number(decay.value)).toExponential(1)}`;
    $('em-noise-value').textContent = noiseOn.checked
      ? `σ = ${(10 ** Number(noise.value)).toExponential(1)}`
      : 'σ = 0';
  };
  for (const el of [decay, noise, noiseOn]) el.oninput = label;
  label();
  let abort: AbortController | null = null;
  $('em-run').onclick = async () => {
    abort?.abort();
    const ctl = new AbortController();
    abort = ctl;
    const rule = $<HTMLSelectElement>('em-rule').value as RuleName;
    const gamma = 10 ** Number(decay.value);
    const sigma = noiseOn.checked ? 10 ** Number(noise.value) : 0;
    const be = getBackend();
    const task = tableTask(be);
    const learner = new EmergenceLearner({
      ...tableOptions(rule, gamma, sigma, { epochs: EPOCHS, metricsEvery: METRICS_EVERY }),
      backend: be,
    });
    const status = $('em-status');
    const t0 = performance.now();
    let last = 0;
    const plot = () => {
      if (!learner.trace) return;
      // one spacing to the end: the final window's per-step entries would look like noise
      const trace = regularTrace(learner.trace, METRICS_EVERY);
      const x = Array.from(trace.steps);
      const series: Series[] = trace.signal.map((s, l) => ({
        name: `layer ${l + 1}`,
        x,
        y: Array.from(s),
      }));
      if (x.length > 1)
        void draw(
          $('em-chart'),
          lineChart(series, {
            title: `${rule}, γ = ${gamma.toExponential(1)}, σ = ${sigma === 0 ? 0 : sigma.toExponential(1)}`,
            subtitle: 'cos(learning signal, Hebbian update h_b h_aᵀ) per layer',
            xlabel: 'step',
            ylabel: 'alignment',
            yRange: [-1, 1],
            width: 520,
            height: 280,
          }),
        );
    };
    try {
      await learner.fitAsync(task.train.x, task.train.y, {
        signal: ctl.signal,
        onProgress: (p) => {
          if (performance.now() - last < 300) return;
          last = performance.now();
          status.textContent = `epoch ${p.epoch}/${p.epochs} · ${((performance.now() - t0) / 1000).toFixed(1)} s · backend ${be.name}`;
          plot();
        },
      });
      const r = learner.result!;
      plot();
      status.textContent =
        `done in ${((performance.now() - t0) / 1000).toFixed(1)} s · final cos(g, H) per layer ` +
        r.final.signal.map((v) => v.toFixed(2)).join(' / ');
    } catch (e) {
      if (!ctl.signal.aborted) status.textContent = `error: ${(e as Error).message}`;
    }
  };
}
