"""Loopback server for bench/collector_memory.sh: large answers built once in memory.

  python3 bench/collector_memory.py PORT_FILE

Serves, on 127.0.0.1 and a free port (written to PORT_FILE once ready):
  /usgs                     a USGS-shaped FeatureCollection of 90,000 features (~65 MB)
  /fdsnws/event/1/query     USGS's catalogue query over the same events, one a second from
                            2025-11-21T08:00:00Z: a window of more than 20,000 is refused
                            with USGS's 400 (the collector asks it in parts)
  /tiny                     a JSON array of 3,000,000 tiny records (~122 MB)
  /api/explore/v2.1/catalog/datasets/tiny/records       a first page of 100 of 1,000,000
  /api/explore/v2.1/catalog/datasets/tiny/exports/json  the first 1,000,000 of them (~40 MB)
  /api/explore/v2.1/catalog/datasets/rows/...           2,000,000 of them (~81 MB), paged alike
  /api/explore/v2.1/catalog/datasets/wide/...           200,000 wide rows of 31 fields (~107 MB)
  /api/records/1.0/search/  an Opendatasoft v1 page holding a whole selection of 10,000
                            records of 200 numeric fields (~24 MB), as `rows = 10000` asks
"""

import bisect
import datetime
import http.server
import json
import os
import sys
import urllib.parse


def usgs(features):
    items = []
    for i in range(features):
        items.append({
            "type": "Feature",
            "properties": {
                "mag": 1.0 + (i % 50) / 10, "place": f"{i % 97} km NNE of Somewhere, CA",
                "time": 1763712000000 + i * 1000, "updated": 1763712300000 + i * 1000,
                "tz": None, "url": f"https://earthquake.usgs.gov/earthquakes/eventpage/ci{i:08d}",
                "detail": f"https://earthquake.usgs.gov/earthquakes/feed/v1.0/detail/ci{i:08d}.geojson",
                "felt": None, "cdi": None, "mmi": None, "alert": None, "status": "automatic",
                "tsunami": 0, "sig": i % 600, "net": "ci", "code": f"{i:08d}",
                "ids": f",ci{i:08d},us{i:08d},", "sources": ",ci,us,", "types": ",nearby-cities,origin,phase-data,scitech-link,",
                "nst": 20 + i % 30, "dmin": 0.05 + (i % 9) / 100, "rms": 0.19, "gap": 57 + i % 90,
                "magType": "ml", "type": "earthquake", "title": f"M {1.0 + (i % 50) / 10:.1f} - {i % 97} km NNE of Somewhere, CA",
            },
            "geometry": {"type": "Point", "coordinates": [-116.0 - (i % 1000) / 1000, 33.0 + (i % 700) / 1000, 5.5 + i % 20]},
            "id": f"ci{i:08d}",
        })
    return items


def collection(items):
    doc = {"type": "FeatureCollection",
           "metadata": {"generated": 1763712000000, "url": "https://earthquake.usgs.gov/x", "title": "USGS All Earthquakes", "status": 200, "api": "1.10.3", "count": len(items)},
           "features": items}
    return json.dumps(doc, separators=(",", ":")).encode()


def fdsn_query(query):
    """USGS's `query` over the /usgs events: a window's events (both bounds inclusive), `204`
    when none, `400` with USGS's words when more than 20,000 match."""
    params = urllib.parse.parse_qs(query)
    def bound(name, default):
        text = params.get(name, [None])[0]
        if text is None:
            return default
        when = datetime.datetime.fromisoformat(text.removesuffix("Z"))
        return int(when.replace(tzinfo=datetime.timezone.utc).timestamp() * 1000)
    start, end = bound("starttime", 0), bound("endtime", 2**62)
    first = bisect.bisect_left(EVENT_TIMES, start)
    last = bisect.bisect_right(EVENT_TIMES, end)
    if last - first > 20_000:
        said = f"{last - first} matching events exceeds search limit of 20000. Modify the search to match fewer events."
        return 400, f"Error 400: Bad Request\n\n{said}\n".encode()
    if last == first:
        return 204, b""
    return 200, collection(EVENTS[first:last])


def tiny_records(count):
    return [f'{{"k":{i},"t":"2026-11-21T{(i // 3600) % 24:02d}:{(i // 60) % 60:02d}:{i % 60:02d}Z"}}' for i in range(count)]


def wide_records(count):
    rows = []
    for i in range(count):
        row = {
            "station_id": f"{i % 4000:05d}", "nom_station": f"Station {i % 4000} de la Vall\u00e9e",
            "date_mesure": f"2026-11-21T{(i // 3600) % 24:02d}:{(i // 60) % 60:02d}:{i % 60:02d}+00:00",
            "code_departement": f"{i % 95 + 1:02d}", "libelle_departement": "Haute-Garonne",
            "code_commune": f"{31000 + i % 600}", "libelle_commune": "Toulouse",
            "geo_point_2d": {"lon": 1.4 + (i % 1000) / 1e4, "lat": 43.6 + (i % 700) / 1e4},
            "temperature": round(5 + (i % 200) / 10, 1), "humidite": i % 100, "pression": 1000 + i % 40,
            "vent_moyen": round((i % 90) / 3, 2), "vent_rafale": round((i % 120) / 3, 2), "direction_vent": i % 360,
            "precipitation": None if i % 7 else 0.2, "neige": None, "visibilite": 10000 - i % 5000,
            "nebulosite": i % 9, "point_rosee": round((i % 150) / 10, 1), "qualite": "valid\u00e9e" if i % 3 else "brute",
            "type_station": "automatique", "altitude": 150 + i % 900, "producteur": "M\u00e9t\u00e9o-France",
            "id": f"{i:08d}", "reseau": "SYNOP", "capteur": f"CAP-{i % 17}", "indice": i,
            "commentaire": "" if i % 5 else "Capteur nettoy\u00e9 le matin", "etat": "ok", "version": 3, "source": "api",
        }
        rows.append(json.dumps(row, separators=(",", ":")))
    return rows


def v1_page(count, fields):
    rows = []
    for i in range(count):
        measures = ",".join(f'"m{f}":{(i * 7 + f * 13) % 9973 / 10}' for f in range(fields))
        rows.append(
            f'{{"datasetid":"mesures","recordid":"{i:040x}","fields":{{"station":"{i % 50:03d}",'
            f'"date_mesure":"2026-12-05T{(i // 3600) % 24:02d}:{(i // 60) % 60:02d}:{i % 60:02d}+00:00",{measures}}},'
            f'"record_timestamp":"2026-12-05T23:00:00+00:00"}}'
        )
    return (f'{{"nhits":{count},"parameters":{{"dataset":"mesures","rows":{count}}},"records":'.encode()
            + array(rows) + b',"facet_groups":[]}')


def array(parts):
    return ("[" + ",".join(parts) + "]").encode()


BODIES = {}
EVENTS = []
EVENT_TIMES = []
DATASETS = ("tiny", "rows", "wide")
ODS = "/api/explore/v2.1/catalog/datasets/"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        path = self.path.split("?")[0]
        dataset, _, endpoint = path.removeprefix(ODS).partition("/")
        if path.startswith(ODS) and endpoint == "records" and dataset in DATASETS:
            body = BODIES["first_page_" + dataset]
        elif path.startswith(ODS) and endpoint == "exports/json" and dataset in DATASETS:
            body = BODIES["export_" + dataset]
        elif path in ("/usgs", "/tiny"):
            body = BODIES[path[1:]]
        elif path == "/api/records/1.0/search/":
            body = BODIES["v1_page"]
        elif path == "/fdsnws/event/1/query":
            status, body = fdsn_query(self.path.partition("?")[2])
            self.send_response(status)
            self.send_header("Content-Type", "application/json" if status == 200 else "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main():
    EVENTS.extend(usgs(90_000))
    EVENT_TIMES.extend(event["properties"]["time"] for event in EVENTS)
    BODIES["usgs"] = collection(EVENTS)
    BODIES["v1_page"] = v1_page(10_000, 200)
    records = tiny_records(3_000_000)
    BODIES["tiny"] = array(records)
    exports = {"tiny": records[:1_000_000], "rows": records[:2_000_000], "wide": wide_records(200_000)}
    for dataset, rows in exports.items():
        BODIES["export_" + dataset] = array(rows)
        BODIES["first_page_" + dataset] = (
            f'{{"total_count":{len(rows)},"results":'.encode() + array(rows[:100]) + b"}"
        )
    del records, exports
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(sys.argv[1] + ".tmp", "w") as out:
        out.write(str(server.server_address[1]))
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    server.serve_forever()


if __name__ == "__main__":
    main()
