// hebb/webgpu's declarations, with the DOM lib (WebGPU runs in a page).
export * as webgpu from 'hebb/webgpu';
