/**
 * The reference code's closed-form weak-perspective camera between two 2D point sets (HD
 * procrustes2d_vis / the "optimal camera" of its PCK): on visible points only, centre X (got) and
 * Y (want) on their means; scale = tr((XᵀX + 1e-6·I)⁻¹ XᵀY) / 2 (the mean of the diagonal of the
 * least-squares linear map, not the isotropic least-squares scale; kept so numbers compare with the
 * reference), optionally clipped; t = μ_Y / scale − μ_X, so that want ≈ scale · (got + t). Used by
 * PCK (evaluation) and by the camera of the ±Δt predictions (training).
 */

/** Weak-perspective 2D camera x ↦ scale · (x + t), the layout Θ uses (translation before scale). */
export interface ScaleTranslation2d {
  scale: number;
  tx: number;
  ty: number;
}

/** Point k's coordinates and visibility, wherever the caller keeps them. */
export interface PointPairs {
  count: number;
  visible(k: number): boolean;
  got(k: number, axis: 0 | 1): number;
  want(k: number, axis: 0 | 1): number;
}

/** (1, 0, 0) when no point is visible. */
export function fitScaleTranslation(points: PointPairs, scaleBounds?: { min: number; max: number }): ScaleTranslation2d {
  let n = 0;
  let gotX = 0, gotY = 0, wantX = 0, wantY = 0;
  for (let k = 0; k < points.count; k++) {
    if (!points.visible(k)) continue;
    n++;
    gotX += points.got(k, 0);
    gotY += points.got(k, 1);
    wantX += points.want(k, 0);
    wantY += points.want(k, 1);
  }
  if (n === 0) return { scale: 1, tx: 0, ty: 0 };
  gotX /= n; gotY /= n; wantX /= n; wantY /= n;
  // A = XᵀX + εI (symmetric) and B = XᵀY, both 2×2, over centred visible points.
  let a00 = 1e-6, a01 = 0, a11 = 1e-6;
  let b00 = 0, b01 = 0, b10 = 0, b11 = 0;
  for (let k = 0; k < points.count; k++) {
    if (!points.visible(k)) continue;
    const gx = points.got(k, 0) - gotX, gy = points.got(k, 1) - gotY;
    const wx = points.want(k, 0) - wantX, wy = points.want(k, 1) - wantY;
    a00 += gx * gx; a01 += gx * gy; a11 += gy * gy;
    b00 += gx * wx; b01 += gx * wy; b10 += gy * wx; b11 += gy * wy;
  }
  // tr(A⁻¹B) with A⁻¹ = [[a11, −a01], [−a01, a00]] / det.
  const det = a00 * a11 - a01 * a01;
  const fitted = (a11 * b00 - a01 * b10 - a01 * b01 + a00 * b11) / det / 2;
  const scale = scaleBounds ? Math.min(scaleBounds.max, Math.max(scaleBounds.min, fitted)) : fitted;
  return { scale, tx: wantX / scale - gotX, ty: wantY / scale - gotY };
}
