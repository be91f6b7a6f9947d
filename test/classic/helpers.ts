// Float64 references shared by the classic rules' tests.

/** The angle between the lines of u and v in degrees (sign ignored), in float64. */
export function degrees(u: ArrayLike<number>, v: ArrayLike<number>): number {
  let d = 0;
  let uu = 0;
  let vv = 0;
  for (let i = 0; i < u.length; i++) {
    d += u[i] * v[i];
    uu += u[i] * u[i];
    vv += v[i] * v[i];
  }
  return (Math.acos(Math.min(1, Math.abs(d) / Math.sqrt(uu * vv))) * 180) / Math.PI;
}

/** Gram–Schmidt on the rows in place (centred first when asked), float64; returns them. */
export function orthonormalRows(rows: Float64Array[], centre = false): Float64Array[] {
  for (const [j, r] of rows.entries()) {
    if (centre) {
      const m = r.reduce((a, b) => a + b, 0) / r.length;
      for (let i = 0; i < r.length; i++) r[i] -= m;
    }
    for (let p = 0; p < j; p++) {
      let s = 0;
      for (let i = 0; i < r.length; i++) s += r[i] * rows[p][i];
      for (let i = 0; i < r.length; i++) r[i] -= s * rows[p][i];
    }
    const n = Math.hypot(...r);
    for (let i = 0; i < r.length; i++) r[i] /= n;
  }
  return rows;
}

/** Covariance of the columns of a rows × cols array (float64, divided by rows − 1). */
export function covariance(data: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const mean = new Float64Array(cols);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) mean[j] += data[i * cols + j] / rows;
  const c = new Float64Array(cols * cols);
  for (let i = 0; i < rows; i++)
    for (let a = 0; a < cols; a++)
      for (let b = 0; b < cols; b++)
        c[a * cols + b] +=
          ((data[i * cols + a] - mean[a]) * (data[i * cols + b] - mean[b])) / (rows - 1);
  return c;
}
