#!/usr/bin/env python3
"""The summariser benchmark's comparison peer: a straightforward Python json + pymongo
summariser doing the same job as `summariser` (same documents in `records`, `hourly`, `runs`),
written the obvious way: json.load each file, keep the latest version per key in a dict,
look existing records up with $in, insert_many the new, replace the changed with bulk_write,
recompute the touched hours from `records`, load the runs the same way (a $in on their starts,
one insert_many of those not stored yet), then delete the files.

usage: peer_summariser.py CONFIG RAW_DIR MONGODB_URI DATABASE [--parse-only]
"""
import datetime as dt
import os
import re
import sys
import time
import tomllib
import json

NAME = re.compile(r"^([a-z0-9-]+)_(\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ)(?:-(\d+))?(\.metrics)?\.json$")


def get(record, path):
    value = record
    for segment in path.split(".") if path else []:
        if isinstance(value, dict):
            value = value.get(segment)
        elif isinstance(value, list) and segment.isdigit() and int(segment) < len(value):
            value = value[int(segment)]
        else:
            return None
    return value


def number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def timestamp(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = value / 1000 if abs(value) >= 1e11 else value
        return dt.datetime.fromtimestamp(seconds, dt.timezone.utc)
    if isinstance(value, str):
        try:
            t = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)
    return None


def label(value):
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


def landed_files(raw, source):
    folder = os.path.join(raw, source)
    names = []
    for name in os.listdir(folder) if os.path.isdir(folder) else []:
        m = NAME.match(name)
        if m and m.group(1) == source:
            landed = dt.datetime.strptime(m.group(2), "%Y-%m-%dT%H-%M-%SZ").replace(tzinfo=dt.timezone.utc)
            names.append((landed, int(m.group(3) or 1), bool(m.group(4)), name))
    return sorted(names)


def read_records(path, source):
    with open(path) as f:
        body = json.load(f)
    records = get(body, source.get("records", "")) if source["kind"] == "http_json" else body
    return [records] if isinstance(records, dict) else records


def summarise_hour(source, hour, docs):
    docs = sorted(docs, key=lambda d: d["key"])
    numeric = []
    for field in source.get("numeric", []):
        values = [v for v in (number(get(d["data"], field)) for d in docs) if v is not None]
        numeric.append({"field": field, "count": len(values), "nulls": len(docs) - len(values),
                        "min": min(values) if values else None, "max": max(values) if values else None,
                        "mean": sum(values) / len(values) if values else None, "sum": float(sum(values))})
    categories = []
    for field in source.get("categories", []):
        counts, nulls = {}, 0
        for d in docs:
            v = label(get(d["data"], field))
            if v is None:
                nulls += 1
            else:
                counts[v] = counts.get(v, 0) + 1
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        categories.append({"field": field, "values": [{"value": v, "count": c} for v, c in ranked[:20]],
                           "other": sum(c for _, c in ranked[20:]), "nulls": nulls})
    bbox = None
    if source.get("lon") and source.get("lat"):
        points = [(number(get(d["data"], source["lon"])), number(get(d["data"], source["lat"]))) for d in docs]
        points = [p for p in points if p[0] is not None and p[1] is not None]
        if points:
            bbox = {"min_lon": min(p[0] for p in points), "min_lat": min(p[1] for p in points),
                    "max_lon": max(p[0] for p in points), "max_lat": max(p[1] for p in points)}
    return {"source": source["name"], "hour": hour, "count": len(docs), "numeric": numeric,
            "categories": categories, "bbox": bbox, "updated_at": dt.datetime.now(dt.timezone.utc)}


def hour_of(t):
    return t.replace(minute=0, second=0, microsecond=0)


def run_identity(run):
    """A run's identity in `runs`, as the summariser's: its start to the millisecond (what BSON
    keeps) and its file."""
    started = run["started"]
    if started is not None:
        started = started.replace(microsecond=started.microsecond // 1000 * 1000)
    return started, run.get("file")


def load_runs(db, source, metrics):
    """Inserts the metrics files' runs not in `runs` yet (same start and file), as the summariser
    does: existing runs looked up with $in, then one unordered insert_many."""
    runs = []
    for path in metrics:
        with open(path) as f:
            run = json.load(f)
        run["started"] = timestamp(run["started"])
        run["finished"] = timestamp(run["finished"])
        runs.append(run)
    stored = set()
    for i in range(0, len(runs), 1000):
        starts = [run["started"] for run in runs[i:i + 1000]]
        for doc in db.runs.find({"source": source["name"], "started": {"$in": starts}}, {"_id": 0, "started": 1, "file": 1}):
            stored.add(run_identity(doc))
    new = []
    for run in runs:
        if run_identity(run) not in stored:
            stored.add(run_identity(run))
            new.append(run)
    for i in range(0, len(new), 1000):
        db.runs.insert_many(new[i:i + 1000], ordered=False)


def main():
    config_path, raw, uri, database = sys.argv[1:5]
    parse_only = "--parse-only" in sys.argv
    with open(config_path, "rb") as f:
        sources = tomllib.load(f)["source"]
    db = None
    if not parse_only:
        import pymongo
        db = pymongo.MongoClient(uri, tz_aware=True)[database]
        # the indexes the summariser creates (releve::store), so both do the same work
        db.records.create_index([("source", 1), ("key", 1)], unique=True)
        db.records.create_index([("source", 1), ("hour", 1)])
        db.records.create_index([("expire_at", 1)], expireAfterSeconds=0)
        db.hourly.create_index([("source", 1), ("hour", 1)], unique=True)
        db.runs.create_index([("source", 1), ("started", 1), ("file", 1)], unique=True)
        db.runs.create_index([("finished", 1)], expireAfterSeconds=90 * 24 * 3600)
    for source in sources:
        started = time.perf_counter()
        latest, files, metrics, versions, size = {}, [], [], 0, 0
        for landed, sequence, is_metrics, name in landed_files(raw, source["name"]):
            path = os.path.join(raw, source["name"], name)
            if is_metrics:
                metrics.append(path)
                continue
            size += os.path.getsize(path)
            files.append(path)
            for record in read_records(path, source):
                key, t = get(record, source["key"]), timestamp(get(record, source["time"]))
                if key is None or t is None:
                    continue
                versions += 1
                key = label(key)
                held = latest.get(key)
                if held is None or held["data"] != record or held["time"] != t:
                    latest[key] = {"source": source["name"], "key": key, "time": t, "hour": hour_of(t),
                                   "file": name, "landed_at": landed, "data": record}
        if parse_only:
            by_hour = {}
            for doc in latest.values():
                by_hour.setdefault(doc["hour"], []).append(doc)
            hours = [summarise_hour(source, h, docs) for h, docs in by_hour.items()]
            seconds = time.perf_counter() - started
            print(f"{source['name']} parse: {size / 1e6:.1f} MB in {seconds:.3f} s = {size / 1e6 / seconds:.1f} MB/s, "
                  f"{versions / seconds:.0f} records/s, {len(latest)} records, {len(hours)} hours")
            continue
        keys = list(latest)
        existing = {}
        for i in range(0, len(keys), 1000):
            for doc in db.records.find({"source": source["name"], "key": {"$in": keys[i:i + 1000]}}):
                existing[doc["key"]] = doc
        inserts, replaces, touched = [], [], set()
        for key, doc in latest.items():
            old = existing.get(key)
            if old is None:
                inserts.append(doc)
            elif (old["landed_at"], old["file"]) <= (doc["landed_at"], doc["file"]) and (old["data"] != doc["data"] or old["time"] != doc["time"]):
                replaces.append(pymongo.ReplaceOne({"source": source["name"], "key": key}, doc))
                touched.add(old["hour"])
            else:
                continue
            touched.add(doc["hour"])
        for i in range(0, len(inserts), 1000):
            db.records.insert_many(inserts[i:i + 1000], ordered=False)
        for i in range(0, len(replaces), 1000):
            db.records.bulk_write(replaces[i:i + 1000], ordered=False)
        by_hour = {}
        touched = sorted(touched)
        for doc in db.records.find({"source": source["name"], "hour": {"$in": touched}}):
            by_hour.setdefault(doc["hour"], []).append(doc)
        for h in touched:
            db.hourly.delete_many({"source": source["name"], "hour": h})
        summaries = [summarise_hour(source, h, docs) for h, docs in by_hour.items()]
        if summaries:
            db.hourly.insert_many(summaries)
        load_runs(db, source, metrics)
        for path in files + metrics:
            os.remove(path)
        seconds = time.perf_counter() - started
        print(f"{source['name']} run: {size / 1e6:.1f} MB in {seconds:.3f} s = {size / 1e6 / seconds:.1f} MB/s, "
              f"{versions / seconds:.0f} records/s, {len(inserts)} inserted, {len(summaries)} hours")


if __name__ == "__main__":
    main()
