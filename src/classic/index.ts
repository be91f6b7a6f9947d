/**
 * The classic Hebbian rules beside SoftHebb (browser-safe; docs/math/classic-rules.md): Oja's
 * rule and Sanger's GHA (principal axes), BCM (sliding threshold), Földiák's anti-Hebbian
 * decorrelation, competitive learning with k winners (instar rule).
 *
 * @module hebb/classic
 */
export { type ClassicTrainingOptions } from './base.ts';
export { Oja, Sanger, type HebbianPcaOptions } from './pca-rules.ts';
export { BCM, type BCMOptions } from './bcm.ts';
export { AntiHebbian, type AntiHebbianOptions } from './foldiak.ts';
export { CompetitiveLearning, type CompetitiveOptions } from './competitive.ts';
