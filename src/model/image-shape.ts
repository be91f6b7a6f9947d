// The shape of the images a layer reads, shared by the convolutional layer and the stack's
// layers (pooling, standardising): one image per row, its values in HWC order.
import { ValueError } from '../errors.ts';
import { custom } from './params.ts';

/** [height, width, channels] of the HWC images a layer reads (one image per row). */
export type ImageShape = [number, number, number];

/** Values per image of that shape (h·w·c). */
export function imageSize([h, w, c]: ImageShape): number {
  return h * w * c;
}

/** An option holding an [h, w, c] of positive integers. */
export function imageShape() {
  return custom<ImageShape>('[height, width, channels] of positive integers', (v, name) => {
    if (!Array.isArray(v) || v.length !== 3 || !v.every((n) => Number.isInteger(n) && n > 0))
      throw new ValueError(
        `${name} must be [height, width, channels] of positive integers (e.g. [28, 28, 1] for MNIST), got ${JSON.stringify(v)}`,
      );
    return [v[0], v[1], v[2]];
  });
}
