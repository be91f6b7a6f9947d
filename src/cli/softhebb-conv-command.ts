// `hebb reproduce softhebb-conv`, declared in src/reproduce/softhebb/conv.ts.
import type { Command } from 'commander';
import { softhebbConv } from '../reproduce/softhebb/conv.ts';
import type { CliIO } from './io.ts';
import { registerExperiment } from './options.ts';

export function registerSoftHebbConvReproduction(reproduce: Command, io: CliIO): void {
  registerExperiment(reproduce, softhebbConv, io);
}
