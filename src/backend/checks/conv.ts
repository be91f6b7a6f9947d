// Checks of the convolution patch kernels: the geometry, and the image and patch shapes it implies.
import { ShapeError, ValueError } from '../../errors.ts';
import type { Matrix } from '../matrix.ts';
import { convOutputSize, type ConvGeometry } from '../types.ts';
import type { CheckGroup } from './types.ts';
import { dims, matrix, type Ctx } from './validators.ts';

function geometry(c: Ctx, g: ConvGeometry): void {
  for (const f of ['inH', 'inW', 'channels', 'kernelH', 'kernelW', 'stride'] as const) {
    if (!Number.isInteger(g?.[f]) || g[f] < 1) {
      throw new ValueError(
        `${c.k}: geometry.${f} must be a positive integer, got ${String(g?.[f])}`,
      );
    }
  }
  if (!Number.isInteger(g.pad) || g.pad < 0) {
    throw new ValueError(
      `${c.k}: geometry.pad must be a non-negative integer, got ${String(g.pad)}`,
    );
  }
  if (g.dilation !== undefined && (!Number.isInteger(g.dilation) || g.dilation < 1)) {
    throw new ValueError(
      `${c.k}: geometry.dilation must be a positive integer, got ${String(g.dilation)}`,
    );
  }
  const { outH, outW } = convOutputSize(g);
  if (outH < 1 || outW < 1) {
    const d = g.dilation ?? 1;
    throw new ShapeError(
      `${c.k}: a ${g.kernelH}×${g.kernelW} kernel${d > 1 ? ` dilated by ${d}` : ''} with pad ${g.pad} does not fit a ${g.inH}×${g.inW} image; use a smaller kernel or more padding`,
    );
  }
}

/** images (B × inH·inW·C) and cols (B·outH·outW × kH·kW·C), whichever of the two is written. */
function convShapes(
  c: Ctx,
  g: ConvGeometry,
  images: Matrix,
  cols: Matrix,
  imgName: string,
  colName: string,
): void {
  geometry(c, g);
  const { outH, outW } = convOutputSize(g);
  const imageLen = g.inH * g.inW * g.channels;
  if (images.cols !== imageLen) {
    throw new ShapeError(
      `${c.k}: ${imgName} rows have ${images.cols} values but an ${g.inH}×${g.inW}×${g.channels} (H×W×C) image needs ${imageLen}`,
    );
  }
  const rows = images.rows * outH * outW;
  const patch = g.kernelH * g.kernelW * g.channels;
  if (cols.rows !== rows || cols.cols !== patch) {
    throw new ShapeError(
      `${c.k}: ${colName} is ${dims(cols)} but ${images.rows} images give ${images.rows}·${outH}·${outW} = ${rows} patches of ${g.kernelH}·${g.kernelW}·${g.channels} = ${patch} values; allocate ${rows}×${patch}`,
    );
  }
}

export const convChecks = {
  pool2d(c, images, g, kind, out) {
    matrix(c, 'images', images);
    matrix(c, 'out', out);
    geometry(c, g);
    if (kind !== 'max' && kind !== 'avg') {
      throw new ValueError(`${c.k}: kind must be 'max' or 'avg', got ${String(kind)}`);
    }
    if (2 * g.pad > Math.min(g.kernelH, g.kernelW)) {
      throw new ValueError(
        `${c.k}: pad ${g.pad} is more than half the ${g.kernelH}×${g.kernelW} window, so a window could hold no pixel; use pad ≤ ${Math.floor(Math.min(g.kernelH, g.kernelW) / 2)}`,
      );
    }
    const { outH, outW } = convOutputSize(g);
    const imageLen = g.inH * g.inW * g.channels;
    if (images.cols !== imageLen) {
      throw new ShapeError(
        `${c.k}: images rows have ${images.cols} values but an ${g.inH}×${g.inW}×${g.channels} (H×W×C) image needs ${imageLen}`,
      );
    }
    const len = outH * outW * g.channels;
    if (out.rows !== images.rows || out.cols !== len) {
      throw new ShapeError(
        `${c.k}: out is ${dims(out)} but ${images.rows} images pool to ${outH}×${outW}×${g.channels}; allocate ${images.rows}×${len}`,
      );
    }
  },
  im2col(c, images, g, out) {
    matrix(c, 'images', images);
    matrix(c, 'out', out);
    convShapes(c, g, images, out, 'images', 'out');
  },
  col2im(c, cols, g, out) {
    matrix(c, 'cols', cols);
    matrix(c, 'out', out);
    convShapes(c, g, out, cols, 'out', 'cols');
  },
} satisfies CheckGroup;
