// Receptive fields on a canvas: the CLI's receptiveFieldGrid (one 28×28 tile per unit, each
// scaled to its own min … max) at one pixel per weight, RGB copied into the canvas's RGBA.
import { Matrix } from '../../src/browser.ts';
import { receptiveFieldGrid } from '../../src/report/image-grid.ts';

export function drawFields(canvas: HTMLCanvasElement, w: Float32Array, tiles: number): void {
  const grid = receptiveFieldGrid(new Matrix(tiles, 784, w), { height: 28, width: 28, scale: 1 });
  canvas.width = grid.width;
  canvas.height = grid.height;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(grid.width, grid.height);
  for (let p = 0; p < grid.width * grid.height; p++) {
    img.data.set(grid.data.subarray(3 * p, 3 * p + 3), 4 * p);
    img.data[4 * p + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}
