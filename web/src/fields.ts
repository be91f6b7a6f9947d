// Receptive fields on a canvas: one 28×28 tile per unit, each scaled to its own min … max
// (the same convention as the CLI's receptive-field PNGs).
export function drawFields(canvas: HTMLCanvasElement, w: Float32Array, tiles: number): void {
  const cols = Math.ceil(Math.sqrt(tiles));
  const side = 28;
  const pad = 2;
  const size = cols * (side + pad) + pad;
  canvas.width = size;
  canvas.height = size;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(size, size);
  img.data.fill(255);
  for (let p = 0; p < size * size; p++) img.data.set([70, 90, 130, 255], p * 4);
  for (let u = 0; u < tiles; u++) {
    const row = w.subarray(u * 784, (u + 1) * 784);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of row) if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
    const x0 = pad + (u % cols) * (side + pad);
    const y0 = pad + Math.floor(u / cols) * (side + pad);
    for (let i = 0; i < 784; i++) {
      const g = hi > lo ? Math.round((255 * (row[i] - lo)) / (hi - lo)) : 128;
      const at = ((y0 + Math.floor(i / side)) * size + x0 + (i % side)) * 4;
      img.data.set([g, g, g, 255], at);
    }
  }
  ctx.putImageData(img, 0, 0);
}
