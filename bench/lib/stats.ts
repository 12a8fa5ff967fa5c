// Percentiles (nearest rank) and small summaries of latency samples.

export interface Summary {
  n: number;
  p50?: number;
  p95?: number;
  max?: number;
  mean?: number;
}

/** Nearest-rank percentile of the samples (undefined for none). */
export function percentile(samples: readonly number[], p: number): number | undefined {
  if (!samples.length) return undefined;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

export function summarize(samples: readonly number[]): Summary {
  if (!samples.length) return { n: 0 };
  return {
    n: samples.length,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    max: Math.max(...samples),
    mean: samples.reduce((a, b) => a + b, 0) / samples.length,
  };
}
