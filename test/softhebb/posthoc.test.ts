// The post-hoc cross-entropy of Fig. 1C (Appendix C) as `reproduce softhebb-mnist` computes it:
// the classifier of the layer's posterior, replayed over the layer's training.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { getBackend } from '../../src/backend/registry.ts';
import { runDeclared } from '../../src/reproduce/experiment.ts';
import { softhebbMnist } from '../../src/reproduce/softhebb/reproduce.ts';

describe('post-hoc cross-entropy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hebb-posthoc-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  it('starts near ln 10 (a classifier of a bounded posterior) and falls as the layer learns', async () => {
    const out = join(dir, 'r');
    const given = { quick: true, units: 50, readoutEpochs: 3, mlpEpochs: 1, out, quiet: true };
    await runDeclared(softhebbMnist, given, { backend: getBackend() });
    const part = JSON.parse(readFileSync(join(out, 'parts', 'soft-seed0.json'), 'utf8'));
    const { loss } = (part.value ?? part).curves as { loss: number[] };
    // Standardised features made the replayed early states blow up (14-29 nats at 300 samples).
    for (const v of loss) assert.ok(v < Math.log(10) + 0.1, `loss ${v} above ln 10`);
    assert.ok(loss.at(-1)! < loss[0] - 0.1, `the loss falls: ${loss[0]} → ${loss.at(-1)}`);
  });
});
