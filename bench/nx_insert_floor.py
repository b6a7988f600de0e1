#!/usr/bin/env python3
"""The database floor of the summariser benchmark: the time the database alone needs to store
the day's distinct records, with the indexes the summariser creates. The documents are built in
memory first (not timed); only the insert_many calls (1,000 documents each) are timed. Neither
the summariser nor the Python peer can store the records faster than this.

A second, "bare" floor inserts the same number of documents holding only the identity fields
(source, key, time, hour) into a fresh collection with the same indexes: what one document
costs the database whatever its content, i.e. the least any summariser that keeps one document
per record must pay.

usage: nx_insert_floor.py CONFIG RAW_DIR MONGODB_URI DATABASE
"""
import datetime as dt
import os
import sys
import time
import tomllib

import pymongo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_summariser import get, label, landed_files, read_records, timestamp, hour_of  # noqa: E402


def main():
    config_path, raw, uri, database = sys.argv[1:5]
    with open(config_path, "rb") as f:
        sources = tomllib.load(f)["source"]
    db = pymongo.MongoClient(uri, tz_aware=True)[database]
    for collection in (db.records, db.bare_records):
        collection.create_index([("source", 1), ("key", 1)], unique=True)
        collection.create_index([("source", 1), ("hour", 1)])
        collection.create_index([("expire_at", 1)], expireAfterSeconds=0)
    total = bare_total = 0.0
    for source in sources:
        latest = {}
        for landed, _, is_metrics, name in landed_files(raw, source["name"]):
            if is_metrics:
                continue
            for record in read_records(os.path.join(raw, source["name"], name), source):
                key, t = get(record, source["key"]), timestamp(get(record, source["time"]))
                if key is not None and t is not None:
                    latest[label(key)] = {"source": source["name"], "key": label(key), "time": t,
                                          "hour": hour_of(t), "file": name, "landed_at": landed, "data": record}
        documents = list(latest.values())
        seconds = insert(db.records, documents)
        total += seconds
        print(f"{source['name']} insert floor: {len(documents)} records in {seconds:.3f} s")
        bare = [{k: d[k] for k in ("source", "key", "time", "hour")} for d in documents]
        seconds = insert(db.bare_records, bare)
        bare_total += seconds
        print(f"{source['name']} bare floor: {len(bare)} identity-only documents in {seconds:.3f} s")
    print(f"all insert floor: {total:.3f} s")
    print(f"all bare floor: {bare_total:.3f} s")


def insert(collection, documents):
    """Seconds taken by insert_many of `documents`, 1,000 a call."""
    started = time.perf_counter()
    for i in range(0, len(documents), 1000):
        collection.insert_many(documents[i:i + 1000], ordered=False)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
