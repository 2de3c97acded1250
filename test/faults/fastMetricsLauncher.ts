/**
 * moto with a GetMetricData that answers as moto 5.2.1 does in O(datapoints + queries) instead of
 * O(queries × periods × datapoints): the scale run's moto (runScale.ts), so that the weekly
 * right-sizing job's 14 days × 5-minute periods of 2,000 services measure our code, not moto's
 * scan. The equivalence with moto's own method is proved by motoFastMetrics.test.ts.
 */
import { join } from "node:path";

/** The launcher: `moto_server`'s arguments, moto's server, one method replaced. */
export const FAST_METRICS_LAUNCHER = join(import.meta.dirname, "moto_fast_metrics.py");

/** The randomized equivalence check of the launcher's method against moto's (prints one JSON line). */
export const FAST_METRICS_CHECK = join(import.meta.dirname, "moto_fast_metrics_check.py");
