/**
 * hebb/io (Node): safetensors bytes and files, any model to and from a file, atomic writes.
 *
 * @module hebb/io
 */
export * from './safetensors.ts';
export { loadSafetensors, saveSafetensors } from './safetensors-file.ts';
export { loadModel, saveModel } from './model-file.ts';
export { writeFileAtomic, writeJsonAtomic } from './atomic.ts';
