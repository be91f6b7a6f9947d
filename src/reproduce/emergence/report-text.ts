// The emergence reports' shared text: number formats, the regression setup section and the
// random rule's description.
import { TABLE_SETUP } from '../../emergence/paper-setup.ts';
import { count } from '../../model/wording.ts';

export const RANDOM_RULE_DOC = `The "random" rule (src/emergence/rules.ts, RandomNetworkRule): a fixed random network R
with the student's architecture (weights N(0, 1/fan-in), drawn once, never updated) maps each
input to a random target R(x); the error e = 2(ŷ − R(x))/(B·D) (the MSE gradient towards R) reaches the output layer directly
(g = −eᵀ h_a) and each hidden layer through a fixed random feedback matrix B_l, as in DFA
(g_l = −((e B_lᵀ) ⊙ f'(z_l))ᵀ h_a). The task's targets and the student's gradient play no
part: the rule learns an arbitrary random function by arbitrary random credit assignment.`;

export const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : 'n/a');
export const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : 'n/a');

export function setupLines(): string[] {
  const s = TABLE_SETUP;
  return [
    '## Setup',
    '',
    `- Task: student–teacher regression, x ~ N(0, I_${s.task.dim}), y = T(x) with T a fixed random`,
    `  bias-free MLP ${s.task.dim} → ${s.task.teacherWidth} → ${s.task.dim} (${s.task.teacherActivation}, weights N(0, 1/fan-in), data seed 0);`,
    `  ${s.task.train} training / ${s.task.val} validation samples. Realisable: the student can fit it.`,
    `- Student: ${s.task.dim} → ${s.hidden.join(' → ')} → ${s.task.dim}, ${s.activation} hidden layer, linear output, no biases,`,
    '  loss ℓ = (1/(B·D)) Σ (ŷ − y)² (mean over samples and outputs, as torch.nn.MSELoss).',
    `- Training: batch ${s.batch}, ${count(s.epochs, 'epoch')} (${count(Math.floor(s.task.train / s.batch) * s.epochs, 'step')}), ΔW = η (g − γW);`,
    `  η = ${s.lr.sgd} for sgd, dfa and random, ${s.lr.adam} for adam. Adam meets weight decay as torch.optim.Adam does`,
    '  (coupled L2: step = η·adam(∂ℓ/∂W + γW), adam(·) = −m̂/(√v̂+ε)); written as ΔW = η (g − γW) its signal is',
    '  g = adam(∂ℓ/∂W + γW) + γW, so its stationarity ratio is not the SGD identity and is shown for completeness only.',
    `- Alignment: cos(g, H), H = Σ_b h_b h_aᵀ (h_b pre-activation), every step; "final" = mean over`,
    `  the last ${s.finalFraction * 100} % of steps. A table cell is the 2nd layer's final value (as the paper's table),`,
    "  mean ± std over seeds: the MLP's 2nd weight layer (its output layer), the transformer's 2nd block",
    '  (the mean over its q, k, v, o, up and down matrices).',
    `- Transformer rows: ${s.transformer.blocks} pre-norm blocks (gain-free RMS norm), ${s.transformer.heads} heads, width ${s.transformer.width}, MLP blocks`,
    `  ${s.transformer.width} → ${4 * s.transformer.width} → ${s.transformer.width} with ${s.transformer.activation}; each input is ${s.transformer.tokens} tokens of ${s.task.dim / s.transformer.tokens} features, embedded`,
    '  by one matrix plus a fixed sinusoidal position code; the normed tokens, concatenated, go through one',
    `  read-out matrix. No biases or gains: every parameter is a weight matrix with its own H. η = ${s.transformer.lr.sgd} (sgd,`,
    `  after a linear warm-up over ${s.transformer.lrWarmup.sgd} steps), ${s.transformer.lr.adam} (adam); batch and task as above. A cell trains until`,
    `  Σ_t η_t γ ≥ --decay-times (default ${s.transformer.decayTimes}) weight-decay time constants, at least --epochs; where that takes`,
    `  more than --max-epochs (default ${s.transformer.maxEpochs}) epochs (γ = 0, 5e-5, adam), --epochs.`,
    '',
    RANDOM_RULE_DOC,
    '',
  ];
}
