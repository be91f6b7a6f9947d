// Every browser-safe entry of the package, so that the type checks read all their declarations
// (hebb/webgpu is checked with the DOM lib only: WebGPU needs a page).
export * as root from 'hebb';
export * as browser from 'hebb/browser';
export * as backend from 'hebb/backend';
export * as data from 'hebb/data';
export * as emergence from 'hebb/emergence';
export * as features from 'hebb/features';
export * as model from 'hebb/model';
export * as readout from 'hebb/readout';
export * as robustness from 'hebb/robustness';
export * as similarity from 'hebb/similarity';
export * as softhebb from 'hebb/softhebb';
export * as stack from 'hebb/stack';
export * as krotov from 'hebb/krotov';
