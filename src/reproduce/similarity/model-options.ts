// The option tables of the models the similarity experiments train, imported here alone: the
// experiments pick their model options from these (the network's table may move to
// src/similarity/options.ts; then only this import changes).
import { LinearSVC } from '../../readout/linear-svc.ts';
import { SimilarityNetwork } from '../../similarity/network.ts';

/** SimilarityNetwork's options: checks, defaults and help. */
export const SM_SPEC = SimilarityNetwork.optionTable;

/** The LinearSVC read-out's options. */
export const SVC_SPEC = LinearSVC.optionTable;
