// The SoftHebb tab: settings, start/pause/reset, live receptive fields and read-out curves,
// model download (safetensors, the format `hebb inspect` and PyTorch's safetensors read) and load.
import { concat, lineChart } from '../../src/report/charts.ts';
import { draw } from './chart.ts';
import { drawFields } from './fields.ts';
import type { FromWorker, Progress, SoftHebbSettings, ToWorker } from './protocol.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export function softHebbPanel(onBackend: (name: string, webgpu: boolean) => void): void {
  const worker = new Worker(new URL('./softhebb-worker.ts', import.meta.url), { type: 'module' });
  const send = (m: ToWorker, t: Transferable[] = []) => worker.postMessage(m, t);
  const form = $<HTMLFormElement>('sh-form');
  const status = $('sh-status');
  const buttons = {
    start: $<HTMLButtonElement>('sh-start'),
    pause: $<HTMLButtonElement>('sh-pause'),
    reset: $<HTMLButtonElement>('sh-reset'),
    save: $<HTMLButtonElement>('sh-save'),
  };
  let history: Progress[] = [];
  let running = false;
  let ready = false;
  buttons.start.disabled = true;

  const settings = (): SoftHebbSettings => {
    const f = new FormData(form);
    const num = (k: string) => Number(f.get(k));
    return {
      units: num('units'),
      wta: f.get('wta') === 'hard' ? 'hard' : 'soft',
      inverseTemperature: num('inverseTemperature'),
      lr: num('lr'),
      batchSize: num('batchSize'),
      epochs: num('epochs'),
      seed: num('seed'),
    };
  };
  const fill = (s: SoftHebbSettings) => {
    for (const [k, v] of Object.entries(s)) {
      const el = form.elements.namedItem(k) as HTMLInputElement | null;
      if (el) el.value = String(v);
    }
  };
  const setRunning = (r: boolean, done = false) => {
    running = r;
    buttons.pause.textContent = r ? 'Pause' : 'Resume';
    buttons.pause.disabled = done || (history.length === 0 && !r);
    buttons.reset.disabled = false;
    buttons.save.disabled = false;
    buttons.start.disabled = r || !ready;
  };

  worker.onmessage = (e: MessageEvent<FromWorker>) => {
    const m = e.data;
    if (m.type === 'ready') {
      ready = true;
      buttons.start.disabled = false;
      onBackend(m.backend, m.webgpu);
      status.textContent = `${m.train} training and ${m.test} test images loaded; press Start`;
    } else if (m.type === 'progress') {
      history.push(m.progress);
      show(m.progress, m.done);
      setRunning(m.running, m.done);
    } else if (m.type === 'saved') {
      const url = URL.createObjectURL(
        new Blob([m.bytes as BlobPart], { type: 'application/octet-stream' }),
      );
      const a = document.createElement('a');
      a.href = url;
      a.download = 'softhebb-playground.safetensors';
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } else if (m.type === 'loaded') {
      fill(m.settings);
      history = [];
    } else if (m.type === 'error') {
      status.textContent = `error: ${m.message}`;
    }
  };

  function show(p: Progress, done: boolean): void {
    drawFields($('sh-fields'), p.weights, p.tiles);
    const pct = (100 * p.accuracy).toFixed(1);
    status.textContent =
      `epoch ${p.epoch}, ${p.samples.toLocaleString('en')} / ${p.horizon.toLocaleString('en')} images` +
      ` · ${Math.round(p.rate).toLocaleString('en')} img/s · label read-out ${pct} %` +
      ` · posterior read-out cross-entropy ${p.posteriorLoss.toFixed(3)} · R1 ${p.r1}${done ? ' · done' : ''}`;
    status.dataset.accuracy = String(p.accuracy);
    const x = history.map((h) => h.samples);
    const size = { width: 300, height: 190, xlabel: 'training images seen' };
    void draw(
      $('sh-chart'),
      concat(
        [
          lineChart([{ name: 'label read-out', x, y: history.map((h) => 100 * h.accuracy) }], {
            ...size,
            title: 'test accuracy (%)',
            ylabel: '%',
          }),
          lineChart([{ name: 'posterior read-out', x, y: history.map((h) => h.posteriorLoss) }], {
            ...size,
            title: 'posterior read-out cross-entropy',
            ylabel: 'nats',
          }),
        ],
        'v',
      ),
    );
  }

  buttons.start.onclick = () => {
    history = [];
    send({ type: 'start', settings: settings() });
    setRunning(true);
  };
  buttons.pause.onclick = () => {
    send({ type: running ? 'pause' : 'resume' });
    setRunning(!running);
  };
  buttons.reset.onclick = () => {
    send({ type: 'pause' });
    history = [];
    setRunning(false);
    buttons.pause.disabled = true;
    status.textContent = 'reset; press Start';
    $<HTMLCanvasElement>('sh-fields').getContext('2d')!.clearRect(0, 0, 1e4, 1e4);
    $('sh-chart').replaceChildren();
  };
  buttons.save.onclick = () => send({ type: 'save' });
  $<HTMLInputElement>('sh-load').onchange = async (e) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (!file) return;
    const bytes = new Uint8Array(await file.arrayBuffer());
    history = [];
    send({ type: 'load', bytes }, [bytes.buffer]);
  };
  send({
    type: 'init',
    dataUrl: new URL('mnist-subset.bin', document.baseURI).href,
  });
}
