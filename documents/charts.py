"""The exposure map and the expiry chart (R62): figures computed here, drawn as server-rendered
SVG by templates/documents/_exposure_map.html and _expiry_chart.html (no JavaScript).

The map's shapes are documents/region_map.json, Natural Earth's states and provinces built by
scripts/build_region_map.py (source and licence in that file and the README)."""

import datetime
import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth

from customers.regions import REGION_NAMES
from documents.models import DocumentStatus

SHADES = 5  # shade-1 (fewest exposed customers) .. shade-5 (most); shade-0 is none
MONTHS = 12


@functools.cache
def region_shapes() -> dict:
    """{"view_box": [x, y, width, height], "regions": {code: {"d": path, "label": [x, y],
    optionally "callout": true and "leader": [x, y] for a code printed beside its region,
    "dot": true for a region too small to draw}}} for the US states, DC and the Canadian
    provinces and territories, in SVG units."""
    return json.loads((Path(__file__).with_name("region_map.json")).read_text())


@dataclass(frozen=True)
class MapRegion:
    code: str
    name: str
    count: int  # exposed customers there
    shade: int  # 0 (none) .. SHADES
    path: str  # SVG path data
    label: list  # [x, y] where the code is printed: inside the region, or beside it
    leader: list | None  # [x, y] on a small region, which a line joins to its code beside it
    callout: bool  # the code is printed beside the region (it is too small to hold it)
    url: str | None  # the exposure report of the customers exposed there; None when none is


def shade_bounds(most: int) -> list[int]:
    """The upper bounds of the shades in use for a largest count `most`: equal steps of
    most / SHADES, rounded up, without repeats (few exposures give fewer, distinct steps)."""
    return sorted({math.ceil(most * k / SHADES) for k in range(1, SHADES + 1)}) if most else []


def shade_of(count: int, bounds: list[int]) -> int:
    """0 for no exposure, else 1..SHADES; the largest count always gets the darkest shade."""
    if not count:
        return 0
    step = next(i for i, bound in enumerate(bounds) if count <= bound)
    return SHADES - len(bounds) + step + 1


def exposure_map(by_region: list[tuple[str, int]], report_url: str) -> dict:
    """The map's figures from the exposure report's counts (no query of its own).

    by_region: [(region code, exposed customers), ...] as exposure_report gives them;
    report_url: the exposure report's URL, which `?region=XX` narrows to one region.
    Returns {"view_box": "0 0 w h", "regions": [MapRegion, ...] (dots drawn last),
    "legend": [(shade, label), ...], "rows": [(region, name, count, url), ...] most first,
    "others": [(region, count), ...] for regions outside the map (territories, other
    countries)}."""
    shapes = region_shapes()
    counts = dict(by_region)
    bounds = shade_bounds(max(counts.values(), default=0))
    regions = []
    for code, shape in shapes["regions"].items():
        count = counts.get(code, 0)
        regions.append(
            MapRegion(
                code,
                str(REGION_NAMES.get(code, code)),
                count,
                shade_of(count, bounds),
                shape["d"],
                shape["label"],
                shape.get("leader"),
                shape.get("callout", False),
                f"{report_url}?region={code}" if count else None,
            )
        )
    regions.sort(key=lambda region: shapes["regions"][region.code].get("dot", False))  # on top
    legend = [(0, "None")]
    low = 1
    for step, bound in enumerate(bounds):
        legend.append(
            (SHADES - len(bounds) + step + 1, f"{low:,}" if low == bound else f"{low:,}–{bound:,}")
        )
        low = bound + 1
    return {
        "view_box": " ".join(str(n) for n in shapes["view_box"]),
        "regions": regions,
        "legend": legend,
        "rows": [
            (code, str(REGION_NAMES.get(code, code)), count, f"{report_url}?region={code}")
            for code, count in by_region
        ],
        "others": [(code, count) for code, count in by_region if code not in shapes["regions"]],
    }


def _month(on: datetime.date, ahead: int) -> datetime.date:
    months = on.month - 1 + ahead
    return datetime.date(on.year + months // 12, months % 12 + 1, 1)


def expiry_chart(documents: QuerySet, on: datetime.date) -> dict:
    """Valid documents expiring in each of the next MONTHS months: this month from `on` on,
    then the 11 after it. One query. Returns {"bars": [{"month": date, "count": n, and its
    place in SVG units: "x", "y", "width", "height", "cx" and the text rows}, ...], "most": n,
    "total": n, "width", "height", "baseline"}; the tallest bar fills the plot."""
    end = _month(on, MONTHS)
    counts = dict(
        documents.filter(
            status=DocumentStatus.VALID, expiration_date__gte=on, expiration_date__lt=end
        )
        .annotate(month=TruncMonth("expiration_date"))
        .order_by()
        .values("month")
        .annotate(n=Count("id"))
        .values_list("month", "n")
    )
    most = max(counts.values(), default=0)
    height, top, bottom, slot, gap, margin = 200, 18, 36, 50, 14, 8
    plot, width = height - top - bottom, 2 * margin + MONTHS * slot - gap
    bars = []
    for ahead in range(MONTHS):
        month = _month(on, ahead)
        count = counts.get(month, 0)
        bar = round(plot * count / most) if most else 0
        x = margin + ahead * slot
        bars.append(
            {
                "month": month,
                "count": count,
                "x": x,
                "width": slot - gap,
                "cx": x + (slot - gap) / 2,
                "y": top + plot - bar,
                "height": bar,
                "label_y": top + plot - bar - 5,
                "axis_y": height - bottom + 16,
                "year_y": height - bottom + 30,
                "first": ahead == 0 or month.month == 1,
            }
        )
    return {
        "bars": bars,
        "most": most,
        "total": sum(counts.values()),
        "width": width,
        "height": height,
        "baseline": top + plot,
    }
