// `hebb reproduce sm-faces`, registered from its declaration (src/reproduce/similarity/sm-faces.ts).
import type { Command } from 'commander';
import { smFaces } from '../reproduce/similarity/sm-faces.ts';
import type { CliIO } from './io.ts';
import { registerExperiment } from './options.ts';

export function registerFacesReproduction(reproduce: Command, io: CliIO): void {
  registerExperiment(reproduce, smFaces, io);
}
