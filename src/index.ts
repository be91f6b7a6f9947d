// hebb: the package root. Each system exports from its own folder.
export * from './backend/index.ts';
export { HebbError, ShapeError, ValueError } from './errors.ts';
export { VERSION } from './version.ts';
