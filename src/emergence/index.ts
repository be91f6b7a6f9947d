// Emergent Hebbian dynamics (SPEC §3): an MLP trained by SGD, Adam, DFA or a random rule with
// weight decay and parameter noise, and the alignment of its learning signal with H = h_b h_aᵀ.
export * from './mlp.ts';
export * from './losses.ts';
export * from './alignment.ts';
export * from './rules.ts';
export * from './tasks.ts';
export * from './learner.ts';
