#!/usr/bin/env python3
"""Derives the report maps' land and borders, crates/analyser/assets/basemap-50m.bin, from
Natural Earth's 1:50m Admin 0 countries (public domain) as packaged in the npm package
world-atlas 2.0.2 (TopoJSON, ISC licence).

Usage: scripts/derive-basemap.py path/to/world-atlas/countries-50m.json

The output is committed; this script only documents and repeats its making. Format (all
little-endian): the 8 bytes `RLVBASE1`, then three sections (the rings of land to fill, the
coasts, the borders between countries), each a u32 count of lines followed by, per line, a
u32 count of points and that many (i16 longitude, i16 latitude) pairs in hundredths of a
degree.

world-atlas joins land across the 180th meridian (Chukotka to Russia, Fiji's islands), so
every line here runs on without jumping a turn: its longitudes may pass 180 (Russia's ring
reaches 190), and the analyser draws the world a turn east and west as well. Antarctica's
coast goes round the pole: its ring is closed along the pole, and the ring world-atlas draws
at the pole itself is dropped. Coasts leave out the edges along the 180th meridian where
Natural Earth splits an island.
"""

import json
import struct
import sys


def decode_arcs(topology):
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def arc_points(arcs, index):
    return arcs[index] if index >= 0 else list(reversed(arcs[~index]))


def ring(arcs, indices):
    points = []
    for i in indices:
        part = arc_points(arcs, i)
        points.extend(part if not points else part[1:])
    return points


def unwrapped(line):
    """`line` with no step between points longer than half a turn of longitude."""
    out = [line[0]]
    for (lon, _), (next_lon, lat) in zip(line, line[1:]):
        step = next_lon - lon
        step -= 360 * round(step / 360)
        out.append((out[-1][0] + step, lat))
    return out


def without_meridian_edges(line):
    """`line` cut where it runs along the 180th meridian: an edge Natural Earth adds where it
    splits an island there (Fiji's Taveuni), which is no coast."""
    parts, current = [], [line[0]]
    for a, b in zip(line, line[1:]):
        if abs(a[0]) > 179.999 and abs(b[0]) > 179.999:
            if len(current) > 1:
                parts.append(current)
            current = [b]
        else:
            current.append(b)
    if len(current) > 1:
        parts.append(current)
    return parts


def at_pole(line):
    return all(lat < -89.9 for _, lat in line)


def fillable(ring):
    """The ring unwrapped; one going round the pole (a turn from its start to its end) is
    closed along the pole."""
    ring = unwrapped(ring)
    turn = ring[-1][0] - ring[0][0]
    if abs(turn) > 180:
        pole = -90 if ring[0][1] < 0 else 90
        ring = ring + [(ring[-1][0], pole), (ring[0][0], pole), ring[0]]
    return ring


def polygons(geometry):
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def quantised(line):
    out = []
    for lon, lat in line:
        point = (round(lon * 100), round(lat * 100))
        if not out or out[-1] != point:
            out.append(point)
    return out


def section(lines):
    lines = [q for q in (quantised(line) for line in lines) if len(q) > 1]
    data = struct.pack("<I", len(lines))
    for line in lines:
        data += struct.pack("<I", len(line))
        data += b"".join(struct.pack("<hh", lon, lat) for lon, lat in line)
    return data, sum(len(line) for line in lines)


def main(path):
    topology = json.load(open(path, encoding="utf-8"))
    arcs = decode_arcs(topology)
    # Every ring of every country is filled: the holes in countries are enclaves (Lesotho,
    # San Marino), land too; lakes and seas between countries (the Caspian) stay unfilled.
    land, users = [], {}
    for country, g in enumerate(topology["objects"]["countries"]["geometries"]):
        for polygon in polygons(g):
            for r in polygon:
                for i in r:
                    users.setdefault(i if i >= 0 else ~i, set()).add(country)
                points = ring(arcs, r)
                if not at_pole(points):
                    land.append(fillable(points))
    coasts, borders = [], []
    for i, countries in sorted(users.items()):
        if at_pole(arcs[i]):
            continue
        if len(countries) > 1:
            borders.append(unwrapped(arcs[i]))
        else:
            coasts.extend(unwrapped(part) for part in without_meridian_edges(arcs[i]))
    out = b"RLVBASE1"
    for name, lines in (("land", land), ("coasts", coasts), ("borders", borders)):
        data, points = section(lines)
        out += data
        print(f"{name}: {len(lines)} lines, {points} points", file=sys.stderr)
    sys.stdout.buffer.write(out)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: derive-basemap.py countries-50m.json > basemap-50m.bin")
    main(sys.argv[1])
