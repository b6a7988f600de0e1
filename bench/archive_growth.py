#!/usr/bin/env python3
"""Sizes and grows the archive of bench/archive_growth.sh (run through it).

  archive_growth.py URI DATABASE sizes DAYS
      prints, per collection, the documents, their mean BSON size and the bytes they add per day
      of history (DAYS summarised for real), then those figures over one and two years.
  archive_growth.py URI DATABASE widen DAYS WEEKS
      copies the `records` and `hourly` documents of the last 7 summarised days WEEKS times,
      each copy a week further back (its times, hours and `expire_at` moved, `key` and `_id`
      made its own; the few hours before those days deleted first), so the database holds
      WEEKS + 1 weeks of history as the summariser writes it; `runs` are left alone (their TTL keeps 90 days).
"""
import datetime as dt
import sys

import bson
import pymongo

COLLECTIONS = ("records", "hourly", "runs", "rejected_records", "installation")


def sizes(db, days):
    print(f"{'collection':<18}{'documents':>11}{'mean bytes':>12}{'per day':>12}"
          f"{'one year':>14}{'two years':>14}")
    total = 0
    for name in COLLECTIONS:
        docs = 0
        size = 0
        for doc in db[name].find({}, batch_size=1000):
            docs += 1
            size += len(bson.encode(doc))
        if not docs:
            continue
        # runs are kept 90 days, installation is one document: neither grows past that.
        span = {"runs": 90}.get(name, 730)
        per_day = size / days if name != "installation" else 0
        year = size if name == "installation" else per_day * min(365, span)
        two = size if name == "installation" else per_day * min(730, span)
        total += two
        print(f"{name:<18}{docs:>11,}{size / docs:>12,.0f}{per_day / 1e6:>10.2f}MB"
              f"{year / 1e6:>12.1f}MB{two / 1e6:>12.1f}MB")
    print(f"{'documents, two years':<41}{total / 1e6:>37.1f}MB (BSON, before indexes)")


def widen(db, weeks):
    week = dt.timedelta(days=7)
    newest = db.hourly.find_one(sort=[("hour", -1)])["hour"]
    since = newest - dt.timedelta(days=7) + dt.timedelta(hours=1)
    for name in ("records", "hourly"):
        # The hours before the days summarised (the first runs' lookback) would meet the copies.
        db[name].delete_many({"hour": {"$lt": since}})
    for name, moved in (("records", ("time", "hour", "landed_at", "expire_at")),
                        ("hourly", ("hour", "summarised_at", "expire_at"))):
        template = list(db[name].find({"hour": {"$gte": since}}))
        for w in range(1, weeks + 1):
            batch = []
            for doc in template:
                copy = dict(doc)
                copy.pop("_id", None)
                for field in moved:
                    if isinstance(copy.get(field), dt.datetime):
                        copy[field] = copy[field] - w * week
                if "key" in copy:
                    copy["key"] = f"{copy['key']}~w{w}"
                batch.append(copy)
            if batch:
                db[name].insert_many(batch, ordered=False)
        print(f"{name}: {len(template):,} documents copied {weeks} times")


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    uri, database, action = sys.argv[1:4]
    db = pymongo.MongoClient(uri, tz_aware=True)[database]
    if action == "sizes":
        sizes(db, int(sys.argv[4]))
    elif action == "widen":
        widen(db, int(sys.argv[5]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
