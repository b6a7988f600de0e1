#!/usr/bin/env python3
"""Generates landed files, as the collector writes them, for a span of UTC days of the six
sources of bench/year_sources.toml: a data file and a metrics file per run, named by landing
time. Run it for consecutive spans (a day, a week) and run the summariser after each: the
history a year of cron leaves in MongoDB, without a year of waiting (bench/year_probe.sh).

- usgs-earthquakes: USGS `all_hour` snapshots every minute, about 100 events a day (each
  snapshot holds the past hour's events, magnitudes revised for 30 minutes);
- open-meteo-toulouse: Open-Meteo `current` every hour;
- eco2mix-national: éCO2mix rows every 15 minutes, each run landing the last 3 hours
  (`lookback`), the latest row with nulls;
- toulouse-meteo-compans: a weather station every 15 minutes, the last hour's readings;
- toulouse-air-quality: a daily Opendatasoft dataset of RECORDS_ODS records (default 3,000);
- france-travail-offres: a day of OFFERS offers (default 2,000) landed at 00:30 the next day.

usage: year_gen.py RAW_DIR FIRST_DAY DAYS [OFFERS [RECORDS_ODS]]   (FIRST_DAY as 2026-01-01)
The generated values depend only on the day, so a span generated twice lands the same files.
"""
import datetime as dt
import json
import os
import random
import sys

UTC = dt.timezone.utc


def stamp(t):
    return t.strftime("%Y-%m-%dT%H-%M-%SZ")


def land(raw, source, kind, t, body, records, every_s, day=None):
    folder = os.path.join(raw, source)
    os.makedirs(folder, exist_ok=True)
    name = f"{source}_{stamp(t)}"
    with open(os.path.join(folder, name + ".json"), "w") as f:
        json.dump(body, f, ensure_ascii=False, separators=(",", ":"))
    started = t - dt.timedelta(milliseconds=300)
    metrics = {"source": source, "kind": kind, "file": name + ".json",
               "started": started.isoformat().replace("+00:00", "Z"),
               "finished": t.isoformat().replace("+00:00", "Z"), "duration_ms": 300,
               "http_calls": 1, "retries": 0, "throttled": 0, "announced": None,
               "records": records, "coverage": None, "shortfall": 0, "error": None,
               "every_s": every_s}
    if day is not None:
        metrics["day"] = day.isoformat()
    with open(os.path.join(folder, name + ".metrics.json"), "w") as f:
        json.dump(metrics, f)


def millis(t):
    return int(t.timestamp() * 1000)


def usgs(raw, day, rng):
    nets = ["ak", "ci", "hv", "nc", "nn", "us", "uw", "pr", "tx", "ok"]
    events = []
    t = day - dt.timedelta(hours=1)
    while t < day + dt.timedelta(days=1):
        t += dt.timedelta(seconds=rng.expovariate(1 / 864))  # about 100 a day
        if t < day - dt.timedelta(hours=1):
            continue
        net = rng.choice(nets)
        events.append({"net": net, "code": f"{rng.randrange(10**7, 10**8)}", "time": t,
                       "mag": round(rng.uniform(-0.5, 5.5), 2), "lon": round(rng.uniform(-180, 180), 4),
                       "lat": round(rng.uniform(-60, 70), 4), "depth": round(rng.uniform(0, 300), 2),
                       "type": rng.choices(["earthquake", "quarry blast", "explosion"], [95, 4, 1])[0],
                       "place": f"{rng.randrange(1, 99)} km NNE of Somewhere, CA"})
    for minute in range(24 * 60):
        now = day + dt.timedelta(minutes=minute, seconds=5)
        features = []
        for e in events:
            age = (now - e["time"]).total_seconds()
            if not 0 <= age < 3600:
                continue
            revision = min(int(age // 600), 3)
            mag = round(e["mag"] + 0.1 * revision, 2)
            eid = e["net"] + e["code"]
            features.append({"type": "Feature", "properties": {
                "mag": mag, "place": e["place"], "time": millis(e["time"]),
                "updated": millis(e["time"] + dt.timedelta(minutes=2 + 10 * revision)), "tz": None,
                "url": f"https://earthquake.usgs.gov/earthquakes/eventpage/{eid}",
                "felt": None, "status": "automatic" if revision < 3 else "reviewed", "tsunami": 0,
                "sig": int(max(mag, 0) * 40), "net": e["net"], "code": e["code"], "ids": f",{eid},",
                "magType": "ml", "type": e["type"], "title": f"M {mag} - Somewhere, CA"},
                "geometry": {"type": "Point", "coordinates": [e["lon"], e["lat"], e["depth"]]}, "id": eid})
        body = {"type": "FeatureCollection", "metadata": {"generated": millis(now), "status": 200,
                "title": "USGS All Earthquakes, Past Hour", "count": len(features)},
                "features": features}
        land(raw, "usgs-earthquakes", "http_json", now, body, len(features), 60)


def open_meteo(raw, day, rng):
    for h in range(24):
        t = day + dt.timedelta(hours=h)
        body = {"latitude": 43.6, "longitude": 1.44, "generationtime_ms": 0.05, "utc_offset_seconds": 0,
                "timezone": "GMT", "timezone_abbreviation": "GMT", "elevation": 146.0,
                "current": {"time": t.strftime("%Y-%m-%dT%H:%M"), "interval": 900,
                            "temperature_2m": round(rng.uniform(-2, 30), 1),
                            "relative_humidity_2m": rng.randrange(30, 100),
                            "wind_speed_10m": round(rng.uniform(0, 40), 1),
                            "weather_code": rng.choice([0, 1, 2, 3, 45, 61, 80])}}
        land(raw, "open-meteo-toulouse", "http_json", t + dt.timedelta(seconds=3), body, 1, 3600)


def eco2mix_row(t, rng):
    return {"perimetre": "France", "nature": "Données temps réel", "date": t.strftime("%Y-%m-%d"),
            "heure": t.strftime("%H:%M"), "date_heure": t.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
            "consommation": rng.randrange(40000, 70000), "fioul": 100, "charbon": 0,
            "gaz": rng.randrange(1000, 6000), "nucleaire": rng.randrange(35000, 50000),
            "eolien": rng.randrange(1000, 12000), "solaire": rng.randrange(0, 8000),
            "hydraulique": rng.randrange(3000, 10000), "pompage": -rng.randrange(0, 2000),
            "bioenergies": 900, "ech_physiques": -rng.randrange(0, 12000), "taux_co2": rng.randrange(15, 60)}


def eco2mix(raw, day, rng):
    for q in range(96):
        now = day + dt.timedelta(minutes=15 * q)
        window = []
        for back in range(12, -1, -1):
            t = now - dt.timedelta(minutes=15 * back)
            row = eco2mix_row(t, random.Random(millis(t)))  # a row reads the same in every run
            if back == 0:
                row["taux_co2"] = None
                row["eolien"] = "ND"
            window.append(row)
        land(raw, "eco2mix-national", "opendatasoft", now + dt.timedelta(seconds=2), window, len(window), 900)


def compans(raw, day, rng):
    for q in range(96):
        now = day + dt.timedelta(minutes=15 * q)
        rows = []
        for back in range(3, -1, -1):
            t = now - dt.timedelta(minutes=15 * back)
            r = random.Random(millis(t) + 1)
            rows.append({"data": str(millis(t)), "id": 42, "humidite": r.randrange(30, 100),
                         "pression": r.randrange(98000, 103000), "pluie": r.choice([0.0, 0.0, 0.0, 0.2, 1.4]),
                         "temperature_en_degre_c": round(r.uniform(-3, 35), 1), "type_de_station": "Girouette",
                         "heure_utc": t.strftime("%Y-%m-%dT%H:%M:%S+00:00")})
        land(raw, "toulouse-meteo-compans", "opendatasoft", now + dt.timedelta(seconds=4), rows, len(rows), 900)


def air_quality(raw, day, rng, count):
    stations = [f"FR{50000 + i}" for i in range(count // 24 + 1)]
    pollutants = ["NO2", "O3", "PM10", "PM2.5"]
    rows = []
    for i in range(count):
        t = day + dt.timedelta(hours=i % 24)
        station = stations[i // 24]
        rows.append({"gid": f"{day:%Y%m%d}-{i}", "nom_station": f"Station {station}", "code_station": station,
                     "nom_poll": rng.choice(pollutants), "valeur": round(rng.uniform(0, 120), 1),
                     "unite": "ug.m-3", "date_debut": t.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
                     "geo_point_2d": {"lon": round(rng.uniform(1.2, 1.6), 5), "lat": round(rng.uniform(43.4, 43.8), 5)}})
    land(raw, "toulouse-air-quality", "opendatasoft", day + dt.timedelta(days=1, hours=2), rows, len(rows), 86400)


WORDS = ("développeur logiciel assistant commercial infirmier chauffeur livreur comptable technicien "
         "maintenance vendeur conseiller clientèle agent entretien cuisinier serveur magasinier").split()


def offers(raw, day, rng, count):
    sectors = ["Commerce de détail", "Transports routiers", "Activités hospitalières", "Restauration",
               "Construction", "Programmation informatique", "Services administratifs", "Enseignement"]
    result = []
    for i in range(count):
        created = day + dt.timedelta(seconds=rng.randrange(86400))
        title = " ".join(rng.choice(WORDS) for _ in range(3)).capitalize()
        result.append({
            "id": f"{day:%y%j}{i:05d}", "intitule": title + " (H/F)",
            "description": " ".join(rng.choice(WORDS) for _ in range(120)),
            "dateCreation": created.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "dateActualisation": created.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "lieuTravail": {"libelle": f"{rng.randrange(1, 96):02d} - Ville", "latitude": round(rng.uniform(42.5, 51), 6),
                            "longitude": round(rng.uniform(-4.5, 8), 6), "commune": f"{rng.randrange(1000, 96000):05d}"},
            "romeCode": f"{rng.choice('ABCDHJKMN')}{rng.randrange(1000, 1999)}", "romeLibelle": title,
            "entreprise": {"nom": f"ENTREPRISE {rng.randrange(10**5)}"},
            "typeContrat": rng.choices(["CDI", "CDD", "MIS", "SAI", "LIB"], [50, 30, 12, 5, 3])[0],
            "experienceExige": rng.choice(["D", "S", "E"]),
            "salaire": {"libelle": f"Mensuel de {rng.randrange(1800, 3500)},00 Euros sur 12 mois"},
            "nombrePostes": rng.choices([1, 2, 3, 5], [85, 8, 5, 2])[0],
            "secteurActiviteLibelle": rng.choice(sectors)})
    land(raw, "france-travail-offres", "france_travail", day + dt.timedelta(days=1, minutes=30), result,
         len(result), 86400, day=day.date())


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    raw, first, days = sys.argv[1], dt.date.fromisoformat(sys.argv[2]), int(sys.argv[3])
    n_offers = int(sys.argv[4]) if len(sys.argv) > 4 else 2000
    n_ods = int(sys.argv[5]) if len(sys.argv) > 5 else 3000
    for d in range(days):
        date = first + dt.timedelta(days=d)
        day = dt.datetime(date.year, date.month, date.day, tzinfo=UTC)
        rng = random.Random(date.toordinal())
        usgs(raw, day, rng)
        open_meteo(raw, day, rng)
        eco2mix(raw, day, rng)
        compans(raw, day, rng)
        air_quality(raw, day, rng, n_ods)
        offers(raw, day, rng, n_offers)


if __name__ == "__main__":
    main()
