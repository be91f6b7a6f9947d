// SoftHebb: soft winner-take-all layers learning by a local Hebbian rule (SPEC §1).
export { SoftHebb, type FitOptions as SoftHebbFitOptions, type SoftHebbState } from './layer.ts';
export type { SoftHebbOptions } from './options.ts';
export { parseSchedule, formatSchedule, rateAt, type Schedule } from './schedule.ts';
export {
  parseActivation,
  formatActivation,
  applyActivation,
  activate,
  type Activation,
} from './activation.ts';
export { stateToTensors, stateFromTensors } from './checkpoint.ts';
