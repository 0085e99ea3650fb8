/**
 * Presentation rounding, half away from zero (DOMAIN.md §5). Scores are kept at full double precision;
 * a sum such as 0.1 + 0.2 carries representation noise in its last bits (0.30000000000000004), and
 * rounding those bits naively turns an exact 1.005 into 1.00. So the value is first read to 12 decimals
 * (noise is below 1e-13 for any total a framework produces) and then rounded on its decimal digits.
 */
export function roundHalfAwayFromZero(value: number, decimals: number): number {
  if (!Number.isFinite(value)) return value;
  if (value === 0) return 0;
  // Fast path, same result: unless the scaled value is within 1e-6 of a half, reading it to 12
  // decimals first (≤ 5e-13 × 10^decimals) cannot move it across a half or a whole.
  if (decimals <= 6) {
    const scale = 10 ** decimals;
    const scaled = Math.abs(value) * scale;
    if (scaled < 1e9) {
      const whole = Math.floor(scaled);
      const fraction = scaled - whole;
      if (Math.abs(fraction - 0.5) > 1e-6) {
        const rounded = (fraction > 0.5 ? whole + 1 : whole) / scale;
        return value < 0 && rounded !== 0 ? -rounded : rounded;
      }
    }
  }
  const text = Math.abs(value).toFixed(12);
  const dot = text.indexOf(".");
  const kept = text.slice(0, dot) + text.slice(dot + 1, dot + 1 + decimals);
  const next = text.charCodeAt(dot + 1 + decimals) - 48;
  const units = Number(kept) + (next >= 5 ? 1 : 0);
  const rounded = units / 10 ** decimals;
  return value < 0 && rounded !== 0 ? -rounded : rounded;
}

export const roundPoints = (points: number): number => roundHalfAwayFromZero(points, 2);
export const roundIndex = (index: number): number => roundHalfAwayFromZero(index, 4);
/** For "exact" comparisons: equal in mathematics means equal here, whatever the order of additions. */
export const withoutNoise = (value: number): number => roundHalfAwayFromZero(value, 12);
