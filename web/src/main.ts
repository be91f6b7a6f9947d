// The playground page: a tab per system hebb implements, and one for the classic rules; the backend that runs and
// its speed in the header.
import { getBackend, loadWasmBackend } from '../../src/browser.ts';
import { classicPanel } from './classic-panel.ts';
import { emergencePanel } from './emergence-panel.ts';
import { similarityPanel } from './similarity-panel.ts';
import { softHebbPanel } from './softhebb-panel.ts';

for (const b of document.querySelectorAll<HTMLButtonElement>('nav button')) {
  b.onclick = () => {
    for (const o of document.querySelectorAll('nav button, .tab')) o.classList.remove('active');
    b.classList.add('active');
    document.getElementById(b.dataset.tab!)!.classList.add('active');
  };
}

const header = document.getElementById('backend')!;
let page = '…';
let worker = '…';
let gpu = false;
const show = () =>
  (header.textContent =
    `backend: ${worker} in the SoftHebb worker, ${page} on the page` +
    ` · WebGPU ${gpu ? 'available (hebb/webgpu; this page trains on the CPU backends)' : 'not available'}`);

softHebbPanel((name, webgpu) => {
  worker = name;
  gpu = webgpu;
  show();
});
similarityPanel();
emergencePanel();
classicPanel();
// no argument: Vite follows the library's new URL('…/hebb.wasm', import.meta.url) and serves it
loadWasmBackend()
  .catch(() => undefined) // no wasm: the TypeScript backend runs
  .then(() => {
    page = getBackend().name;
    show();
  });
