"""moto_server with a faster GetMetricData, for the scale run only (test/faults/runScale.ts).

moto 5.2.1's ``CloudWatchBackend.get_metric_data`` (moto/cloudwatch/models.py) walks every
period of every query and, for each period, scans every stored datapoint: O(queries x periods x
datapoints). The weekly right-sizing job asks for 14 days at 5-minute periods (4,032 periods) in
requests of 500 queries, so at 2,000 services moto spends many minutes per request and the job
hits Lambda's timeout inside moto, which says nothing about our code (CloudWatch itself does not
answer like that). This file replaces that one method with the same computation done once per
datapoint: datapoints are grouped by series (namespace, name, unit, dimensions) and put in their
period's bucket by index, and each bucket's statistic is computed by moto's own ``Statistics``
class. Only the complexity differs; the answers are moto's, including its quirks:

- a query with dimensions matches on metric name and ``sorted(dimensions)`` equality only (moto
  ignores the namespace then), a query without dimensions on namespace and name;
- periods start at StartTime (microseconds dropped) and step by Period while <= EndTime, data in
  [StartTime, EndTime); values of a bucket are in stored order (float sums are order-sensitive);
- statistics other than Sum/Average/Minimum/Maximum/SampleCount give None, as moto's do;
- labels, ids, ReturnData, ScanBy, metric math (moto's ``parse_expression``) and the
  ``SELECT`` (Metrics Insights) queries are handled as moto handles them; moto has no
  MaxDatapoints or NextToken for GetMetricData, so neither has this.

Whenever the fast path raises (moto's validation errors, malformed queries, a Period <= 0 that
makes moto loop forever, dimension values that moto's comparison chokes on), moto's original
method is called with the same arguments, so errors are moto's own too.
test/faults/motoFastMetrics.test.ts proves the equivalence on randomized cases
(test/faults/moto_fast_metrics_check.py).

Usage, exactly as ``moto_server``: ``python3 test/faults/moto_fast_metrics.py -H 127.0.0.1 -p 5000``.
"""

import heapq
import sys
from datetime import timedelta

from moto.cloudwatch.metric_data_expression_parser import parse_expression
from moto.cloudwatch.models import CloudWatchBackend, Dimension, Statistics

ORIGINAL_GET_METRIC_DATA = CloudWatchBackend.get_metric_data

#: How often the fast path gave up and moto's own method answered (read by the equivalence check).
FALLBACKS = {"count": 0}


class _Series:
    """The stored datapoints of one series within the request's time range, in stored order."""

    __slots__ = ("namespace", "name", "unit", "dimensions", "positions", "data", "sorted_dims")

    def __init__(self, md, position):
        self.namespace = md.namespace
        self.name = md.name
        self.unit = md.unit
        self.dimensions = md.dimensions
        self.positions = [position]
        self.data = [md]
        self.sorted_dims = None


def _result(query_id, label, values, timestamps):
    """One MetricDataResult, in the shape moto's get_metric_data returns it."""
    return {"id": query_id, "label": label, "values": values, "timestamps": timestamps, "status_code": "Complete"}


def _all_str(*values):
    return all(type(v) is str for v in values)


def _dims_key(dims):
    return tuple((d.name, d.value) for d in dims)


def _in_stored_order(series_list):
    """The datapoints of several series merged back into the order moto stores them in."""
    if len(series_list) == 1:
        return series_list[0].data
    merged = heapq.merge(*(zip(s.positions, s.data) for s in series_list), key=lambda p: p[0])
    return [md for _, md in merged]


def _buckets(data, start_time, end_time, delta):
    """Datapoints by period index k (period k starts at start_time + k * delta), ascending."""
    if delta <= timedelta(0):
        raise ValueError("Period <= 0: moto's own loop never ends, let it")
    # moto's loop computes each period's end up to the one after end_time: same arithmetic (and
    # OverflowError near datetime.max) here.
    last = start_time + ((end_time - start_time) // delta) * delta
    last + delta
    buckets = {}
    for md in data:
        buckets.setdefault((md.timestamp - start_time) // delta, []).append(md)
    return sorted(buckets.items())


def _statistic_series(buckets, start_time, delta, stat, scan_by):
    values = []
    timestamps = []
    for k, bucket in buckets:
        stats = Statistics([stat], start_time + k * delta)
        stats.metric_data = bucket
        values.append(stats.get_statistics_for_type(stat))
        timestamps.append(stats.timestamp)
    if scan_by == "TimestampDescending" and len(timestamps) > 0:
        timestamps.reverse()
        values.reverse()
    return values, timestamps


class _Index:
    """The request's datapoints grouped by series, with lookups for moto's two match rules."""

    def __init__(self, period_data):
        self.series = {}
        for position, md in enumerate(period_data):
            key = (md.namespace, md.name, md.unit, _dims_key(md.dimensions))
            found = self.series.get(key)
            if found is None:
                self.series[key] = _Series(md, position)
            else:
                found.positions.append(position)
                found.data.append(md)
        self.by_namespace_name = None
        self.by_name_dims = None
        self.indexable = True

    def without_dimensions(self, namespace, name):
        """moto: ``md.namespace == query_ns and md.name == query_name``."""
        if not _all_str(namespace, name) or not self._namespace_name_indexable():
            return [s for s in self.series.values() if s.namespace == namespace and s.name == name]
        return self.by_namespace_name.get((namespace, name), [])

    def _namespace_name_indexable(self):
        if self.by_namespace_name is None:
            self.by_namespace_name = {}
            for s in self.series.values():
                if not _all_str(s.namespace, s.name):
                    self.by_namespace_name = False
                    break
                self.by_namespace_name.setdefault((s.namespace, s.name), []).append(s)
        return self.by_namespace_name is not False

    def with_dimensions(self, query_sorted, name):
        """moto: ``sorted(md.dimensions) == sorted(dimensions) and md.name == query_name``."""
        self._sort_dimensions()
        query_key = _dims_key(query_sorted)
        if self.by_name_dims is not False and _all_str(name, *(v for pair in query_key for v in pair)):
            return self.by_name_dims.get((name, query_key), [])
        return [s for s in self.series.values() if s.sorted_dims == query_sorted and s.name == name]

    def _sort_dimensions(self):
        """Every series' ``sorted(dimensions)``, as moto computes it for every datapoint."""
        if self.by_name_dims is not None:
            return
        index = {}
        for s in self.series.values():
            s.sorted_dims = sorted(s.dimensions)
            key = _dims_key(s.sorted_dims)
            # Dimension equality treats a None value as a wildcard: only plain strings are indexed.
            if index is not False and _all_str(s.name, *(v for pair in key for v in pair)):
                index.setdefault((s.name, key), []).append(s)
            else:
                index = False
        self.by_name_dims = index


def _fast_get_metric_data(self, queries, start_time, end_time, scan_by):
    start_time = start_time.replace(microsecond=0)
    end_time = end_time.replace(microsecond=0)
    if start_time >= end_time:
        raise ValueError("moto's own validation error")

    period_data = [md for md in self.get_all_metrics() if start_time <= md.timestamp < end_time]
    index = _Index(period_data)

    results = []
    results_to_return = []
    metric_stat_queries = [q for q in queries if "MetricStat" in q]
    metric_math_expression_queries = [
        q for q in queries if "Expression" in q and not q["Expression"].startswith("SELECT")
    ]
    metric_insights_expression_queries = [
        q for q in queries if "Expression" in q and q["Expression"].startswith("SELECT")
    ]
    for query in metric_stat_queries:
        metric_stat = query["MetricStat"]
        query_ns = metric_stat["Metric"]["Namespace"]
        query_name = metric_stat["Metric"]["MetricName"]
        delta = timedelta(seconds=int(metric_stat["Period"]))
        dimensions = [
            Dimension(name=d["Name"], value=d["Value"])
            for d in metric_stat["Metric"].get("Dimensions", [])
        ]
        unit = metric_stat.get("Unit")
        stat = metric_stat["Stat"]
        if dimensions and period_data:
            matched = index.with_dimensions(sorted(dimensions), query_name)
        elif period_data:
            matched = index.without_dimensions(query_ns, query_name)
        else:
            matched = []
        data = _in_stored_order(matched) if matched else []
        if unit:
            data = [md for md in data if md.unit == unit]
        buckets = _buckets(data, start_time, end_time, delta)
        result_vals, timestamps = _statistic_series(buckets, start_time, delta, stat, scan_by)

        label = query.get("Label") or f"{query_name} {stat}"
        results.append(
            _result(query["Id"], label, result_vals, timestamps)
        )
        if query.get("ReturnData", True):
            results_to_return.append(
                _result(query["Id"], label, result_vals, timestamps)
            )
    # Metric math runs on the other queries' results: moto's own parser, as moto calls it.
    for query in metric_math_expression_queries:
        label = query.get("Label") or query["Id"]
        result_vals, timestamps = parse_expression(query["Expression"], results)
        results_to_return.append(
            _result(query["Id"], label, result_vals, timestamps)
        )
    # moto answers a Metrics Insights query with the Sum of every datapoint of each period.
    for query in metric_insights_expression_queries:
        delta = timedelta(seconds=int(query["Period"]))
        buckets = _buckets(period_data, start_time, end_time, delta)
        result_vals, timestamps = _statistic_series(buckets, start_time, delta, "Sum", scan_by)
        results_to_return.append(
            _result(query["Id"], (query.get("Label") or query["Id"]), result_vals, timestamps)
        )

    return results_to_return


def fast_get_metric_data(self, queries, start_time, end_time, scan_by="TimestampAscending"):
    """``CloudWatchBackend.get_metric_data`` with moto's answers in O(datapoints + queries)."""
    try:
        return _fast_get_metric_data(self, queries, start_time, end_time, scan_by)
    except Exception:
        FALLBACKS["count"] += 1
        return ORIGINAL_GET_METRIC_DATA(self, queries, start_time, end_time, scan_by)


def install():
    """Replaces moto's method in this process (the server's backends are instances of the class)."""
    CloudWatchBackend.get_metric_data = fast_get_metric_data


if __name__ == "__main__":
    install()
    print("moto_fast_metrics: CloudWatchBackend.get_metric_data replaced", file=sys.stderr, flush=True)
    from moto.server import main

    sys.exit(main())
