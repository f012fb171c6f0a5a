/** A measured figure, compared with a baseline measured in the same run. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  baseline: string;
  baselineValue: number;
  /** value / baselineValue, or the figure's own comparison (see `comparison`). */
  ratio: number;
  /** Human-readable target, e.g. ">= 0.85". */
  target: string;
  met: boolean;
  notes?: string;
}

export interface Bench {
  name: string;
  run(): Promise<Figure[]>;
}

/** Operations per second of `fn` over `durationMs`, after a warm-up. `fn` may be async. */
export async function opsPerSecond(fn: () => unknown, durationMs = 1500, batch = 1000): Promise<number> {
  const warmUntil = performance.now() + 300;
  while (performance.now() < warmUntil) for (let i = 0; i < batch; i++) await fn();
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < durationMs) {
    for (let i = 0; i < batch; i++) await fn();
    ops += batch;
    now = performance.now();
  }
  return (ops * 1000) / (now - start);
}

/**
 * Runs the measurements in turn `rounds` times and returns each one's median, to cancel drift between
 * them. `warmUp` rounds run first and are not counted, so that neither side is measured before the
 * JIT has compiled its hot path.
 */
export async function interleaved<const T extends readonly (() => Promise<number>)[]>(
  measurements: T,
  rounds = 3,
  warmUp = 0,
): Promise<{ [K in keyof T]: number }> {
  const samples = measurements.map(() => [] as number[]);
  for (let i = 0; i < warmUp + rounds; i++) {
    for (const [j, measure] of measurements.entries()) {
      const value = await measure();
      if (i >= warmUp) samples[j]!.push(value);
    }
  }
  return samples.map(median) as { [K in keyof T]: number };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function figure(
  fields: Omit<Figure, 'ratio' | 'met'> & { atLeast?: number; atMost?: number; ratio?: number },
): Figure {
  const ratio = fields.ratio ?? fields.value / fields.baselineValue;
  const met =
    (fields.atLeast === undefined || ratio >= fields.atLeast) &&
    (fields.atMost === undefined || ratio <= fields.atMost);
  const { atLeast: _a, atMost: _b, ...rest } = fields;
  return { ...rest, ratio, met };
}
