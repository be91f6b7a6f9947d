// A Node consumer (ESM, TypeScript strict, nodenext): the README example, then saveModel and
// loadModel, then one line of JSON for scripts/consumer-test.mjs.
import { getBackend, loadModel, saveModel, SoftHebb, VERSION } from 'hebb';
import { readmeExample } from './example.js';

const { layer, score } = readmeExample();
saveModel(layer, 'layer.safetensors'); // loadModel('layer.safetensors') rebuilds it
const back = loadModel('layer.safetensors', { expect: SoftHebb });
const same = back.weights.data.every((v, i) => v === layer.weights.data[i]);
console.log(JSON.stringify({ version: VERSION, backend: getBackend().name, score, same }));
