/**
 * hebb/webgpu in Node: everything of the browser entry, and `nodeGpu` (a WebGPU implementation
 * from the optional npm package `webgpu`, Dawn) to open a device with
 * `WebGpu.create({ gpu: await nodeGpu() })`. Node-only; bundlers for a page get src/webgpu.ts.
 *
 * @module hebb/webgpu (Node)
 */
export * from './webgpu.ts';
export { nodeGpu, SWIFTSHADER_ICD } from './backend/webgpu/node-gpu.ts';
