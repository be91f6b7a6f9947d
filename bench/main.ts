// Benchmarks (not tests): npm run bench -- <name> [--json] [--quick]
import '../src/backend/register-node.ts';
import { benchAddonBuilds } from './addon-builds.ts'; // builds of the native addon, per kernel
import { benchBackends } from './backends.ts'; // SoftHebb epoch per backend
import { benchBrowser } from './browser.ts'; // ts and wasm in headless Chromium
import { benchGemm } from './gemm.ts';
import { benchReadout } from './readout.ts';
import { benchSoftHebb } from './softhebb.ts';
import { benchSoftHebbTrainer } from './softhebb-trainer.ts'; // SoftHebb.fit vs a PyTorch loop
import { benchLinearSvc } from './linear-svc.ts'; // linear SVM read-out
import { benchSimilarity } from './similarity.ts'; // structured similarity matching
import { benchPgd } from './pgd.ts'; // PGD attacks vs PyTorch
import { benchMlp } from './mlp.ts'; // MLP baseline and linear read-out vs PyTorch
import { benchSoftHebbConv } from './softhebb-conv.ts'; // SoftHebbConv2d.fit vs PyTorch unfold
import { benchSoftHebbDeep } from './softhebb-deep.ts'; // deep SoftHebb Hebbian epoch vs PyTorch
import { benchWebGpu } from './webgpu.ts'; // hebb/webgpu in Node (the webgpu package, Dawn)

const BENCHES: Record<string, (args: string[]) => void | Promise<void>> = {
  similarity: benchSimilarity, // structured similarity matching
  'linear-svc': benchLinearSvc, // linear SVM read-out
  gemm: benchGemm,
  backends: benchBackends, // SoftHebb epoch per backend (native, wasm, ts)
  'addon-builds': benchAddonBuilds, // builds of the native addon (e.g. prebuilt vs -march=native)
  browser: benchBrowser, // ts and wasm in headless Chromium, and in Node
  readout: benchReadout, // SoftHebb read-outs
  softhebb: benchSoftHebb, // SoftHebb training vs PyTorch
  'softhebb-trainer': benchSoftHebbTrainer, // SoftHebb.fit, one MNIST epoch, vs PyTorch
  pgd: benchPgd, // PGD attacks vs PyTorch
  mlp: benchMlp, // MLP baseline and linear read-out vs PyTorch
  'softhebb-conv': benchSoftHebbConv, // SoftHebbConv2d.fit, one MNIST epoch, vs PyTorch
  'softhebb-deep': benchSoftHebbDeep, // deep SoftHebb Hebbian epoch vs PyTorch conv2d
  webgpu: benchWebGpu, // hebb/webgpu in Node: GEMM GFLOPS, a SoftHebb epoch
};

const [name, ...rest] = process.argv.slice(2);
if (!name || !(name in BENCHES)) {
  console.error(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}> [--json] [--quick]`);
  process.exit(name ? 2 : 0);
}
await BENCHES[name](rest);
