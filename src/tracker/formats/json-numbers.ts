/**
 * Keypoints are Float32 in memory and in the database. Written to JSON as the SHORTEST decimal that
 * reads back to the same Float32 (0.1 rather than 0.10000000149011612), exports stay readable and an
 * export → import round trip is exact.
 */
export function shortestFloat32(value: number): number {
  const target = Math.fround(value);
  if (!Number.isFinite(target) || Number.isInteger(target)) return target;
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(target.toPrecision(digits));
    if (Math.fround(candidate) === target) return candidate;
  }
  return target;
}

export function float32ArrayToJson(values: Float32Array): number[] {
  return Array.from(values, shortestFloat32);
}

/** For derived values (boxes, crop parameters) that need no more than 1e-4 px precision. */
export function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
