"""Equivalence check of test/faults/moto_fast_metrics.py against moto 5.2.1's own GetMetricData.

Run by test/faults/motoFastMetrics.test.ts. For randomized small accounts (several namespaces,
metric names, dimension sets in either order, units, single values, value lists with counts and
statistic sets, timestamps on and off period boundaries, with and without microseconds, S3
buckets whose metrics moto adds by itself) and randomized GetMetricData requests (MetricStat
queries of every statistic moto knows and some it does not, periods, units, labels, ReturnData,
metric math, Metrics Insights SELECTs, both ScanBy orders and the default, start and end off
period boundaries, empty, equal and reversed ranges), every request is answered twice in
moto's in-process mock, through boto3:

1. in the backend: the same arguments go to moto's original method and to the fast one; their
   return values (types and exact float reprs included) or their exceptions must be equal;
2. on the wire: the whole boto3 response (or error) with the original installed, then with the
   fast one installed, must be equal (ResponseMetadata aside).

Prints one JSON line: cases, requests, comparisons, differences (with the first few), and how
many requests the fast path answered itself (the rest fell back to moto's method, which would
make the comparison trivially equal; the test requires it to answer all that moto answers).
``--plant-bugs all`` runs the same cases against deliberately wrong fast paths instead and
prints each one's differences, to show the cases catch each kind of mistake.
"""

import argparse
import json
import math
import os
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402
from moto.cloudwatch.models import CloudWatchBackend, MetricDatum, cloudwatch_backends  # noqa: E402
from moto.moto_api._internal.models import moto_api_backend  # noqa: E402

import moto_fast_metrics as fast  # noqa: E402

REGION = "eu-west-1"
ACCOUNT = "123456789012"
NAMESPACES = ["ECS/ContainerInsights", "AWS/ECS", "Custom/App"]
NAMES = ["CpuUtilized", "MemoryUtilized", "RunningTaskCount"]
DIMENSION_SETS = [
    [],
    [("ClusterName", "a")],
    [("ClusterName", "b")],
    [("ClusterName", "a"), ("ServiceName", "x")],
    [("ServiceName", "x"), ("ClusterName", "a")],
    [("ClusterName", "a"), ("ServiceName", "y")],
    [("ClusterName", "b"), ("ServiceName", "x")],
    [("ServiceName", "x")],
    [("ClusterName", "a"), ("ServiceName", "x"), ("TaskFamily", "z")],
]
UNITS = [None, None, "Percent", "Count"]
STATS = ["Average", "Sum", "Minimum", "Maximum", "SampleCount"]
OTHER_STATS = ["p99", "p50", "tm90"]
PERIODS = [1, 7, 60, 120, 300, 900, 3600, 86400]


def norm(value):
    """A comparable form that keeps types and exact float values (repr), and dict key order."""
    if isinstance(value, dict):
        return ["dict", [[k, norm(v)] for k, v in value.items()]]
    if isinstance(value, (list, tuple)):
        return [type(value).__name__, [norm(v) for v in value]]
    if isinstance(value, float):
        return ["float", repr(value)]
    if isinstance(value, datetime):
        return ["datetime", value.isoformat(), repr(value.tzinfo)]
    return [type(value).__name__, repr(value)]


def outcome(call):
    try:
        return ["ok", norm(call())]
    except Exception as error:  # noqa: BLE001 - the exception is the answer being compared
        return ["error", type(error).__name__, str(error)]


def wire(call):
    def strip():
        response = call()
        response.pop("ResponseMetadata", None)
        return response

    return outcome(strip)


def dimensions(pairs):
    return [{"Name": n, "Value": v} for n, v in pairs]


def seed_account(rng, client, backend, base, stats):
    series = [
        (rng.choice(NAMESPACES), rng.choice(NAMES), rng.choice(DIMENSION_SETS), rng.choice(UNITS))
        for _ in range(rng.randint(1, 6))
    ]
    for namespace, name, dims, unit in series:
        data = []
        for _ in range(rng.randint(0, 14)):
            kind = rng.random()
            if kind < 0.3:
                offset = rng.choice([0, 60, 300, 600, 900, 3600]) * rng.randint(-1, 3)
            else:
                offset = rng.randint(-900, 7200)
            at = base + timedelta(seconds=offset)
            datum = {"MetricName": name, "Dimensions": dimensions(dims), "Timestamp": at}
            if unit:
                datum["Unit"] = unit
            form = rng.random()
            if form < 0.6:
                datum["Value"] = rng.choice([0.0, 1.0, 0.1, 1e-7, 123456.789, float(rng.randint(0, 100))])
                if rng.random() < 0.5:
                    datum["Value"] = rng.uniform(0, 1000)
            elif form < 0.8:
                datum["Values"] = [rng.uniform(0, 100) for _ in range(rng.randint(1, 3))]
                if rng.random() < 0.6:
                    datum["Counts"] = [float(rng.randint(1, 3)) for _ in datum["Values"]]
            else:
                low = rng.uniform(0, 10)
                high = low + rng.uniform(0, 10)
                count = float(rng.randint(1, 5))
                datum["StatisticValues"] = {
                    "SampleCount": count,
                    "Sum": rng.uniform(low, high) * count,
                    "Minimum": low,
                    "Maximum": high,
                }
            data.append(datum)
        if data:
            client.put_metric_data(Namespace=namespace, MetricData=data)
        # Timestamps with microseconds, stored as moto stores what it parses (naive UTC).
        for _ in range(rng.randint(0, 3)):
            at = base.replace(tzinfo=None) + timedelta(seconds=rng.randint(-600, 7200), microseconds=rng.randint(0, 999_999))
            backend.metric_data.append(MetricDatum(namespace, name, rng.uniform(0, 50), dimensions(dims), at, unit))
    if rng.random() < 0.05:
        # A dimension value moto never parses from a request but its comparison has to survive
        # (None is a wildcard in Dimension.__eq__ and may raise in its __lt__): the fast path's
        # unindexed matching and its fallback to moto's method.
        namespace, name, dims, unit = rng.choice(series)
        odd = dimensions(dims) + [{"Name": rng.choice(["ClusterName", "Zone"]), "Value": None}]
        at = base.replace(tzinfo=None) + timedelta(seconds=rng.randint(-600, 7200))
        backend.metric_data.append(MetricDatum(namespace, name, 1.0, odd, at, unit))
        stats["oddDimensionCases"] += 1
    return series


def random_query(rng, index, series, ids):
    query = {"Id": f"q{index}"}
    kind = rng.random()
    if kind < 0.08 and ids:
        # Metric math: moto's parse_expression copies the named query's result.
        query["Expression"] = rng.choice(ids + ["nothere"])
    elif kind < 0.14:
        query["Expression"] = "SELECT AVG(CpuUtilized) FROM SCHEMA(\"ECS/ContainerInsights\")"
        query["Period"] = rng.choice(PERIODS[1:6])
    else:
        if series and rng.random() < 0.8:
            namespace, name, dims, unit = rng.choice(series)
            if rng.random() < 0.3:
                dims = rng.choice(DIMENSION_SETS)
            if rng.random() < 0.15:
                namespace = rng.choice(NAMESPACES)  # moto ignores it when dimensions are given
        else:
            namespace, name, dims, unit = rng.choice(NAMESPACES), rng.choice(NAMES), rng.choice(DIMENSION_SETS), None
        if dims and rng.random() < 0.3:
            dims = list(reversed(dims))
        stat = rng.choice(OTHER_STATS) if rng.random() < 0.05 else rng.choice(STATS)
        metric_stat = {
            "Metric": {"Namespace": namespace, "MetricName": name, "Dimensions": dimensions(dims)},
            "Period": rng.choice(PERIODS),
            "Stat": stat,
        }
        if rng.random() < 0.2:
            metric_stat["Unit"] = unit if unit and rng.random() < 0.7 else rng.choice(["Percent", "Count", "Bytes"])
        query["MetricStat"] = metric_stat
        ids.append(query["Id"])
    if rng.random() < 0.3:
        query["Label"] = rng.choice(["", "cpu", f"label {index}"])
    if rng.random() < 0.15:
        query["ReturnData"] = False
    return query


def periods_of(queries):
    return [q["MetricStat"]["Period"] for q in queries if "MetricStat" in q] + [
        q["Period"] for q in queries if "Period" in q
    ]


def random_request(rng, series, base):
    ids = []
    queries = [random_query(rng, i, series, ids) for i in range(rng.randint(1, 6))]
    shortest = min(periods_of(queries) or [60])
    start = base + timedelta(seconds=rng.randint(-1200, 3600), microseconds=rng.choice([0, rng.randint(0, 999_999)]))
    shape = rng.random()
    if shape < 0.04:
        end = start  # moto: StartTime must not equal EndTime
    elif shape < 0.07:
        end = start - timedelta(seconds=rng.randint(1, 600))  # EndTime before StartTime
    elif shape < 0.10:
        end = start.replace(microsecond=0) + timedelta(microseconds=rng.randint(1, 999_999))  # equal once moto drops microseconds
    elif shape < 0.15:
        start = base + timedelta(days=30)  # no data at all
        end = start + timedelta(hours=1)
    else:
        # At most about 600 periods of the shortest period: moto's own method scans each one.
        span = min(4 * 3600, shortest * rng.randint(1, 600))
        end = start + timedelta(seconds=rng.uniform(0.5, 1.0) * span, microseconds=rng.randint(0, 999_999))
        if rng.random() < 0.2:
            end = end.replace(microsecond=0)
    request = {"MetricDataQueries": queries, "StartTime": start, "EndTime": end}
    scan = rng.random()
    if scan < 0.4:
        request["ScanBy"] = "TimestampAscending"
    elif scan < 0.7:
        request["ScanBy"] = "TimestampDescending"
    return request


_real_buckets = fast._buckets
_real_with_dimensions = fast._Index.with_dimensions
_real_statistic_series = fast._statistic_series
_real_in_stored_order = fast._in_stored_order


def _planted_buckets(data, start_time, end_time, delta):
    buckets = {}
    for md in data:
        k = math.ceil((md.timestamp - start_time) / delta) - 1
        buckets.setdefault(max(k, 0), []).append(md)
    return sorted(buckets.items())


def _planted_with_dimensions(self, query_sorted, name):
    found = _real_with_dimensions(self, query_sorted, name)
    namespaces = {s.namespace for s in found}
    return [s for s in found if s.namespace == min(namespaces)] if namespaces else found


def _planted_statistic_series(buckets, start_time, delta, stat, scan_by):
    return _real_statistic_series(buckets, start_time, delta, stat, "TimestampAscending")


def _planted_in_stored_order(series_list):
    return list(reversed(_real_in_stored_order(series_list)))


PLANTED = {
    # Period boundaries: a datapoint exactly on a period's start lands in the period before.
    "boundary": lambda: setattr(fast, "_buckets", _planted_buckets),
    # "Fixing" moto's quirk: dimension queries also required to match the namespace.
    "namespace": lambda: setattr(fast._Index, "with_dimensions", _planted_with_dimensions),
    # Ignoring ScanBy.
    "order": lambda: setattr(fast, "_statistic_series", _planted_statistic_series),
    # Values of a bucket summed in another order than moto stores them.
    "sum-order": lambda: setattr(fast, "_in_stored_order", _planted_in_stored_order),
}


def unplant():
    fast._buckets = _real_buckets
    fast._Index.with_dimensions = _real_with_dimensions
    fast._statistic_series = _real_statistic_series
    fast._in_stored_order = _real_in_stored_order


def run_check(cases, requests, seed):
    """Compares moto's method with the fast one on ``cases`` random accounts; returns the figures."""
    rng = random.Random(seed)
    stats = {
        "cases": 0,
        "requests": 0,
        "comparisons": 0,
        "differences": 0,
        "answeredByOriginal": 0,
        "answeredByFast": 0,
        "errorsCompared": 0,
        "nonEmptyResults": 0,
        "s3Cases": 0,
        "oddDimensionCases": 0,
        "examples": [],
    }

    def comparing(self, queries, start_time, end_time, scan_by="TimestampAscending"):
        answered = []

        def by_original():
            answered.append(fast.ORIGINAL_GET_METRIC_DATA(self, queries, start_time, end_time, scan_by))
            return answered[0]

        original = outcome(by_original)
        before = fast.FALLBACKS["count"]
        patched = outcome(lambda: fast.fast_get_metric_data(self, queries, start_time, end_time, scan_by))
        stats["comparisons"] += 1
        if original[0] == "ok":
            stats["answeredByOriginal"] += 1
            if fast.FALLBACKS["count"] == before:
                stats["answeredByFast"] += 1
            if any(result["values"] for result in answered[0]):
                stats["nonEmptyResults"] += 1
        else:
            stats["errorsCompared"] += 1
        if original != patched:
            record("backend", queries, start_time, end_time, scan_by, original, patched)
        return fast.ORIGINAL_GET_METRIC_DATA(self, queries, start_time, end_time, scan_by)

    def record(where, *details):
        stats["differences"] += 1
        if len(stats["examples"]) < 3:
            stats["examples"].append([where, repr(details)[:2000]])

    with mock_aws():
        client = boto3.client("cloudwatch", region_name=REGION)
        s3 = boto3.client("s3", region_name="us-east-1")
        for case in range(cases):
            stats["cases"] += 1
            # A fresh account per case, as POST /moto-api/reset gives the server.
            moto_api_backend.reset()
            backend = cloudwatch_backends[ACCOUNT][REGION]
            if case % 10 == 3:
                # moto adds BucketSizeBytes / NumberOfObjects per bucket, stamped today 00:00 UTC.
                stats["s3Cases"] += 1
                s3.create_bucket(Bucket=f"bucket-{case}")
                today = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
                base = today - timedelta(minutes=rng.randint(0, 90))
            else:
                base = datetime(2026, 3, 2, 10, 0, tzinfo=timezone.utc) + timedelta(seconds=rng.randint(0, 86400))
            series = seed_account(rng, client, backend, base, stats)
            for _ in range(requests):
                request = random_request(rng, series, base)
                stats["requests"] += 1
                try:
                    CloudWatchBackend.get_metric_data = comparing
                    wire(lambda: client.get_metric_data(**request))
                    CloudWatchBackend.get_metric_data = fast.ORIGINAL_GET_METRIC_DATA
                    original = wire(lambda: client.get_metric_data(**request))
                    CloudWatchBackend.get_metric_data = fast.fast_get_metric_data
                    patched = wire(lambda: client.get_metric_data(**request))
                finally:
                    CloudWatchBackend.get_metric_data = fast.ORIGINAL_GET_METRIC_DATA
                stats["comparisons"] += 1
                if original != patched:
                    record("wire", request, original, patched)
    return stats


def main():
    # moto's in-process mock only intercepts AWS's own endpoints: never follow an endpoint the
    # caller's environment points at (the test setup points AWS_ENDPOINT_URL at a moto server).
    for key in [k for k in os.environ if k.startswith("AWS_ENDPOINT_URL") or k == "AWS_PROFILE"]:
        del os.environ[key]
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--requests", type=int, default=4, help="requests per case")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--plant-bugs",
        help="comma-separated, or 'all': run the same cases against each deliberately wrong fast path",
    )
    args = parser.parse_args()
    if not args.plant_bugs:
        print(json.dumps(run_check(args.cases, args.requests, args.seed)))
        return
    bugs = sorted(PLANTED) if args.plant_bugs == "all" else args.plant_bugs.split(",")
    differences = {}
    for bug in bugs:
        unplant()
        PLANTED[bug]()
        differences[bug] = run_check(args.cases, args.requests, args.seed)["differences"]
    unplant()
    print(json.dumps({"cases": args.cases, "differencesByPlantedBug": differences}))


if __name__ == "__main__":
    main()
