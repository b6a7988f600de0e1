#!/usr/bin/env python3
"""Generates the summariser benchmark's raw folder: one day (2026-11-21) of per-minute USGS
all_hour snapshots, a 40,000-offer France Travail day as one JSON array, and a day of éCO2mix
collected every 15 minutes (each file holding the last hour), with collector metrics files.
With PARTS, the France Travail day is cut into that many files landed a minute apart (each
holding offers of every hour, as if the day had been collected in parts).

usage: summariser_gen.py RAW_DIR [OFFERS [PARTS]]
"""
import datetime as dt
import json
import os
import random
import sys

DAY = dt.datetime(2026, 11, 21, tzinfo=dt.timezone.utc)
rng = random.Random(42)


def stamp(t):
    return t.strftime("%Y-%m-%dT%H-%M-%SZ")


def land(raw, source, t, body, records):
    folder = os.path.join(raw, source)
    os.makedirs(folder, exist_ok=True)
    name = f"{source}_{stamp(t)}"
    with open(os.path.join(folder, name + ".json"), "w") as f:
        json.dump(body, f, ensure_ascii=False, separators=(",", ":"))
    metrics = {"source": source, "kind": "x", "file": name + ".json", "started": t.isoformat(),
               "finished": t.isoformat(), "duration_ms": 300, "http_calls": 1, "retries": 0,
               "throttled": 0, "announced": None, "records": records, "coverage": None,
               "shortfall": 0, "error": None}
    with open(os.path.join(folder, name + ".metrics.json"), "w") as f:
        json.dump(metrics, f)


def millis(t):
    return int(t.timestamp() * 1000)


def usgs(raw):
    nets = ["ak", "ci", "hv", "nc", "nn", "us", "uw", "pr", "tx", "ok"]
    events = []
    t = DAY - dt.timedelta(hours=1)
    while t < DAY + dt.timedelta(days=1):
        t += dt.timedelta(seconds=rng.expovariate(1 / 240))
        net = rng.choice(nets)
        code = f"{rng.randrange(10**7, 10**8)}"
        events.append({"net": net, "code": code, "time": t, "mag": round(rng.uniform(-0.5, 5.5), 2),
                       "lon": round(rng.uniform(-180, 180), 4), "lat": round(rng.uniform(-60, 70), 4),
                       "depth": round(rng.uniform(0, 300), 2),
                       "type": rng.choices(["earthquake", "quarry blast", "explosion"], [95, 4, 1])[0],
                       "place": f"{rng.randrange(1, 99)} km NNE of Somewhere, CA"})
    for minute in range(24 * 60):
        now = DAY + dt.timedelta(minutes=minute, seconds=5)
        features = []
        for e in events:
            age = (now - e["time"]).total_seconds()
            if not 0 <= age < 3600:
                continue
            revision = min(int(age // 600), 3)  # magnitude revised every 10 minutes for 30 minutes
            mag = round(e["mag"] + 0.1 * revision, 2)
            updated = e["time"] + dt.timedelta(minutes=2 + 10 * revision)
            eid = e["net"] + e["code"]
            features.append({"type": "Feature", "properties": {
                "mag": mag, "place": e["place"], "time": millis(e["time"]),
                "updated": millis(updated), "tz": None,
                "url": f"https://earthquake.usgs.gov/earthquakes/eventpage/{eid}",
                "detail": f"https://earthquake.usgs.gov/earthquakes/feed/v1.0/detail/{eid}.geojson",
                "felt": None, "cdi": None, "mmi": None, "alert": None, "status": "automatic" if revision < 3 else "reviewed",
                "tsunami": 0, "sig": int(max(mag, 0) * 40), "net": e["net"], "code": e["code"], "ids": f",{eid},",
                "sources": f",{e['net']},", "types": ",origin,phase-data,", "nst": 12, "dmin": 0.05, "rms": 0.11,
                "gap": 81, "magType": "ml", "type": e["type"], "title": f"M {mag} - Somewhere, CA"},
                "geometry": {"type": "Point", "coordinates": [e["lon"], e["lat"], e["depth"]]}, "id": eid})
        body = {"type": "FeatureCollection", "metadata": {"generated": millis(now),
                "url": "https://earthquake.usgs.gov/earthquakes/feed/v1.0/summary/all_hour.geojson",
                "title": "USGS All Earthquakes, Past Hour", "status": 200, "api": "1.14.1", "count": len(features)},
                "features": features, "bbox": [-180, -60, 0, 180, 70, 300]}
        land(raw, "usgs-earthquakes", now, body, len(features))


WORDS = ("développeur logiciel assistant commercial infirmier chauffeur livreur comptable technicien "
         "maintenance vendeur conseiller clientèle agent entretien cuisinier serveur magasinier "
         "préparateur commandes aide soignant électricien plombier mécanicien").split()


def offers(raw, count, parts):
    sectors = ["Commerce de détail", "Transports routiers", "Activités hospitalières", "Restauration",
               "Construction", "Programmation informatique", "Services administratifs", "Enseignement"]
    result = []
    for i in range(count):
        created = DAY + dt.timedelta(seconds=rng.randrange(86400))
        lat, lon = round(rng.uniform(42.5, 51), 6), round(rng.uniform(-4.5, 8), 6)
        title = " ".join(rng.choice(WORDS) for _ in range(3)).capitalize()
        result.append({
            "id": f"{200 + i // 100000}{i % 100000:05d}{rng.choice('ABCDEFGH')}",
            "intitule": title + " (H/F)",
            "description": " ".join(rng.choice(WORDS) for _ in range(160)),
            "dateCreation": created.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "dateActualisation": created.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "lieuTravail": {"libelle": f"{rng.randrange(1, 96):02d} - Ville", "latitude": lat, "longitude": lon,
                            "codePostal": f"{rng.randrange(1000, 96000):05d}", "commune": f"{rng.randrange(1000, 96000):05d}"},
            "romeCode": f"{rng.choice('ABCDHJKMN')}{rng.randrange(1000, 1999)}",
            "romeLibelle": title, "appellationlibelle": title,
            "entreprise": {"nom": f"ENTREPRISE {rng.randrange(10**5)}", "entrepriseAdaptee": False},
            "typeContrat": rng.choices(["CDI", "CDD", "MIS", "SAI", "LIB"], [50, 30, 12, 5, 3])[0],
            "typeContratLibelle": "Contrat à durée indéterminée",
            "natureContrat": "Contrat travail",
            "experienceExige": rng.choice(["D", "S", "E"]),
            "experienceLibelle": "Débutant accepté",
            "competences": [{"code": str(rng.randrange(100000, 130000)), "libelle": " ".join(rng.choice(WORDS) for _ in range(5)),
                             "exigence": "S"} for _ in range(rng.randrange(0, 5))],
            "salaire": {"libelle": f"Mensuel de {rng.randrange(1800, 3500)},00 Euros sur 12 mois"},
            "dureeTravailLibelle": "35H Horaires normaux", "alternance": False,
            "contact": {"nom": "Agence France Travail", "coordonnees1": "https://candidat.francetravail.fr"},
            "nombrePostes": rng.choices([1, 2, 3, 5], [85, 8, 5, 2])[0],
            "accessibleTH": False, "qualificationCode": "6", "qualificationLibelle": "Employé qualifié",
            "codeNAF": f"{rng.randrange(10, 99)}.{rng.randrange(10, 99)}Z",
            "secteurActivite": str(rng.randrange(10, 99)),
            "secteurActiviteLibelle": rng.choice(sectors),
            "origineOffre": {"origine": "1", "urlOrigine": "https://candidat.francetravail.fr/offres/recherche/detail/x"},
            "offresManqueCandidats": False,
        })
    for part in range(parts):
        chunk = result[part * count // parts:(part + 1) * count // parts]
        land(raw, "france-travail-offres", DAY + dt.timedelta(days=1, minutes=30 + part), chunk, len(chunk))


def eco2mix(raw):
    points = []
    for q in range(96):
        t = DAY + dt.timedelta(minutes=15 * q)
        points.append({"perimetre": "France", "nature": "Données temps réel", "date": t.strftime("%Y-%m-%d"),
                       "heure": t.strftime("%H:%M"), "date_heure": t.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
                       "consommation": rng.randrange(40000, 70000), "prevision_j1": rng.randrange(40000, 70000),
                       "prevision_j": rng.randrange(40000, 70000), "fioul": 100, "charbon": 0,
                       "gaz": rng.randrange(1000, 6000), "nucleaire": rng.randrange(35000, 50000),
                       "eolien": str(rng.randrange(1000, 12000)), "solaire": rng.randrange(0, 8000),
                       "hydraulique": rng.randrange(3000, 10000), "pompage": -rng.randrange(0, 2000),
                       "bioenergies": 900, "ech_physiques": -rng.randrange(0, 12000), "taux_co2": rng.randrange(15, 60)})
    for q in range(96):
        window = [dict(p) for p in points[max(0, q - 3):q + 1]]
        window[-1]["taux_co2"] = None  # the latest rows hold nulls, filled on the next refresh
        window[-1]["eolien"] = "ND"
        land(raw, "eco2mix-national", DAY + dt.timedelta(minutes=15 * q + 2), window, len(window))


def main():
    raw = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 40000
    parts = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    if parts < 1:
        sys.exit("summariser_gen.py: PARTS must be 1 or more")
    usgs(raw)
    eco2mix(raw)
    offers(raw, count, parts)


if __name__ == "__main__":
    main()
