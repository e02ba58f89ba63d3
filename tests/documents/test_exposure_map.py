"""The exposure map and the 12-month expiry chart on the exposure report and the dashboard (R62)."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from customers.models import ShipToZone
from documents.charts import region_shapes, shade_bounds, shade_of
from tests.factories import make_company, make_customer, make_document

SVG = "{http://www.w3.org/2000/svg}"


def zones(customer, *regions):
    with customer_scope(customer):
        for region in regions:
            ShipToZone.objects.create(
                tenant_id=customer.tenant_id, customer=customer, region=region
            )


def customer_scope(customer):
    from django_scopes import scope

    return scope(tenant=customer.tenant_id)


@pytest.fixture
def exposed(alice):
    """Texas: 6 exposed customers (one in a child company), California 3, Ontario 1, Puerto
    Rico 1; New Mexico is needed but covered."""
    child = make_company(alice.tenant, "ALICE-KID", parent=alice.company)
    for n in range(6):
        zones(make_customer(child if n == 5 else alice.company, f"TX-{n}"), "TX")
    for n in range(3):
        zones(make_customer(alice.company, f"CA-{n}"), "CA")
    zones(make_customer(alice.company, "ON-0", state="ON", country="CA", zip="M5V 2T6"), "ON")
    zones(make_customer(alice.company, "PR-0"), "PR")
    covered = make_customer(alice.company, "NM-0")
    zones(covered, "NM")
    make_document(covered, ["NM"])


def map_regions(html: str) -> dict[str, dict]:
    """The map's regions from the page: {code: {"class", "count", "title", "href"}}, read by
    parsing the <svg> as XML (each linked region's <path> sits in its <a>)."""
    svg = re.search(r'data-testid="exposure-map">\s*(<svg .*?</svg>)', html, re.S).group(1)
    svg = ET.fromstring(  # noqa: S314  (our own page's markup)
        svg.replace("<svg ", f'<svg xmlns="{SVG[1:-1]}" ', 1)
    )
    regions = {}
    for link in svg.iter(f"{SVG}a"):
        path = link.find(f"{SVG}path")
        regions[path.get("data-region")] = {"href": link.get("href")}
    for path in svg.iter(f"{SVG}path"):
        code = path.get("data-region")
        regions.setdefault(code, {"href": None}).update(
            {
                "class": path.get("class"),
                "count": int(path.get("data-count")),
                "title": path.find(f"{SVG}title").text,
            }
        )
    return regions


def table_rows(html: str, testid: str) -> list[list[str]]:
    """The text of each body row's cells of the table with that data-testid."""
    table = re.search(rf'<table data-testid="{testid}".*?</table>', html, re.S).group(0)
    body = ET.fromstring(  # noqa: S314  (our own page's markup)
        re.search(r"<tbody>.*?</tbody>", table, re.S).group(0)
    )
    return [[" ".join("".join(cell.itertext()).split()) for cell in row] for row in body]


def test_shades_step_up_to_the_largest_count():
    """R62: the scale has up to five equal steps up to the largest count, the largest count
    always darkest, none exposed is shade 0."""
    assert shade_bounds(100) == [20, 40, 60, 80, 100]
    assert [shade_of(n, shade_bounds(100)) for n in (0, 1, 20, 21, 99, 100)] == [0, 1, 1, 2, 5, 5]
    assert shade_bounds(2) == [1, 2]
    assert [shade_of(n, shade_bounds(2)) for n in (0, 1, 2)] == [0, 4, 5]
    assert shade_bounds(0) == []


def test_map_shapes_cover_every_state_dc_and_province():
    """R62: the map has a shape for each US state, DC and each Canadian province and territory
    (the Natural Earth shapes committed in documents/region_map.json)."""
    from localflavor.ca.ca_provinces import PROVINCE_CHOICES
    from localflavor.us.us_states import CONTIGUOUS_STATES, NON_CONTIGUOUS_STATES

    states = CONTIGUOUS_STATES + NON_CONTIGUOUS_STATES  # DC is among the contiguous
    expected = {code for code, _ in states} | {code for code, _ in PROVINCE_CHOICES}
    assert set(region_shapes()["regions"]) == expected
    assert len(expected) == 64  # 50 states, DC, 13 provinces and territories
    assert all(
        re.fullmatch(r"[Mmlaz0-9 .-]+", shape["d"]) for shape in region_shapes()["regions"].values()
    )


def test_report_map_shades_and_links_each_region(alice, exposed, login):
    """R62: on the exposure report each region is shaded by its exposed customers, says its
    count on hover (<title>), and links to the report of the customers exposed there; a region
    without exposure is the lightest shade and no link."""
    response = login(alice.viewer).get(alice.url("exposure/"))
    regions = map_regions(response.content.decode())
    texas, california, ontario = regions["TX"], regions["CA"], regions["ON"]
    assert (texas["count"], texas["class"]) == (6, "region shade-5")
    assert texas["title"] == "Texas: 6 exposed customers"
    assert texas["href"] == alice.url("exposure/?region=TX")
    assert (california["count"], california["class"]) == (3, "region shade-2")  # 1-2,3,4,5,6
    assert (ontario["count"], ontario["class"], ontario["href"]) == (
        1,
        "region shade-1",
        alice.url("exposure/?region=ON"),
    )
    assert regions["NM"] == {
        "href": None,
        "class": "region shade-0",
        "count": 0,
        "title": "New Mexico: no exposed customers",
    }
    assert len(regions) == 64
    legend = re.search(
        r'data-testid="map-legend">(.*?)</ul>', response.content.decode(), re.S
    ).group(1)
    assert re.findall(r"</span>([^<]+)</li>", legend) == ["None", "1–2", "3", "4", "5", "6"]


def test_small_regions_have_their_code_and_shade_beside_them(alice, login):
    """R62: a region too small to hold its code (DC, a dot) has it beside it, with a swatch of
    its shade, inside its link."""
    zones(make_customer(alice.company, "DC-0"), "DC")
    html = login(alice.viewer).get(alice.url("exposure/")).content.decode()
    link = re.search(r'<a href="[^"]*\?region=DC" data-region="DC">(.*?)</a>', html, re.S)
    assert 'class="region shade-5" data-region="DC" data-count="1"' in link.group(1)
    assert re.search(
        r'<rect class="swatch shade-5"[^>]*/><text class="region-label callout"'
        r"[^>]*>DC</text>",
        link.group(1),
    )


def test_report_table_agrees_with_the_map(alice, exposed, login):
    """R62: the accessible table beside the map gives the same counts, each region linking to
    its customers; regions off the map (Puerto Rico) are in the table too."""
    html = login(alice.viewer).get(alice.url("exposure/")).content.decode()
    rows = table_rows(html, "exposure-by-region")
    assert rows == [
        ["TX Texas", "6"],
        ["CA California", "3"],
        ["ON Ontario", "1"],
        ["PR Puerto Rico", "1"],
    ]
    regions = map_regions(html)
    assert all(regions[row[0][:2]]["count"] == int(row[1]) for row in rows if row[0][:2] != "PR")
    assert f'href="{alice.url("exposure/?region=PR")}"' in html
    assert "Not on the map: PR (1)." in html


def test_region_link_lists_only_the_customers_exposed_there(alice, exposed, login):
    """R62: a region's link (?region=XX) lists the customers exposed there, with their count,
    while the totals and the map stay those of the whole report."""
    client = login(alice.viewer)
    response = client.get(alice.url("exposure/"), {"region": "tx"})
    listed = sorted(customer.number for customer, _ in response.context["exposed"])
    assert listed == [f"TX-{n}" for n in range(6)]
    assert response.context["listed_count"] == 6
    assert response.context["customers_count"] == 11  # the panel still counts them all
    html = response.content.decode()
    assert "Exposed customers in Texas" in html
    assert "6 of 11 exposed customers are exposed in Texas (TX)." in html
    assert map_regions(html)["CA"]["count"] == 3
    ontario = client.get(alice.url("exposure/"), {"region": "ON"})
    assert [c.number for c, _ in ontario.context["exposed"]] == ["ON-0"]


def test_region_filter_pages_keep_the_region(alice, login):
    """R62: the filtered list is paginated within the region; the page links keep it."""
    for n in range(52):
        zones(make_customer(alice.company, f"N{n:03}"), "TX")
    zones(make_customer(alice.company, "X-1"), "OK")
    client = login(alice.viewer)
    first = client.get(alice.url("exposure/"), {"region": "TX"})
    assert 'href="?region=TX&amp;page=2"' in first.content.decode()
    second = client.get(alice.url("exposure/"), {"region": "TX", "page": 2})
    assert [c.number for c, _ in second.context["exposed"]] == ["N050", "N051"]
    past_end = client.get(alice.url("exposure/"), {"region": "OK", "page": 9})
    assert [c.number for c, _ in past_end.context["exposed"]] == ["X-1"]


def test_unknown_region_says_so_and_lists_all(alice, exposed, login):
    """R62: a region code that is no US or Canadian region is said to be wrong, and the whole
    list is shown (no 500)."""
    response = login(alice.viewer).get(alice.url("exposure/"), {"region": "ZZ<b>"})
    assert response.status_code == 200
    message = "&#x27;ZZ&lt;B&gt;&#x27; is not a US or Canadian region code"
    assert message in response.content.decode()
    assert response.context["listed_count"] == 11


def test_dashboard_shows_the_map_from_the_same_counts(alice, exposed, login):
    """R62: the dashboard's map has the report's shading and links."""
    html = login(alice.viewer).get(alice.url()).content.decode()
    regions = map_regions(html)
    assert (regions["TX"]["class"], regions["TX"]["href"]) == (
        "region shade-5",
        alice.url("exposure/?region=TX"),
    )
    assert regions["CA"]["count"] == 3 and regions["NM"]["class"] == "region shade-0"
    assert table_rows(html, "exposure-by-region")[0] == ["TX Texas", "6"]


def month_start(today, ahead):
    months = today.month - 1 + ahead
    return datetime.date(today.year + months // 12, months % 12 + 1, 1)


def test_dashboard_chart_counts_valid_documents_expiring_each_month(alice, login):
    """R62: the chart has a bar for this month and each of the 11 after it, each counting the
    valid documents of the working company and below expiring that month; expired, pending and
    later documents are left out. The tallest bar fills the plot."""
    today = timezone.localdate()
    child = make_company(alice.tenant, "ALICE-KID", parent=alice.company)
    customer, other = make_customer(alice.company, "C-1"), make_customer(child, "C-2")
    make_document(customer, ["TX"], expiration=today)  # this month, today
    make_document(other, ["TX"], expiration=month_start(today, 1))
    make_document(customer, ["CA"], expiration=month_start(today, 1) + datetime.timedelta(27))
    make_document(customer, ["CA"], expiration=month_start(today, 1) + datetime.timedelta(3))
    make_document(customer, ["OK"], expiration=month_start(today, 12) - datetime.timedelta(1))
    make_document(customer, ["OK"], expiration=month_start(today, 12))  # 13th month: out
    make_document(customer, ["KS"], expiration=today - datetime.timedelta(1))  # expired
    make_document(customer, ["KS"], "pending", expiration=month_start(today, 2))
    make_document(customer, ["KS"])  # never expires

    html = login(alice.viewer).get(alice.url()).content.decode()
    bars = re.findall(r'<g class="bar" data-month="([\d-]+)" data-count="(\d+)">', html)
    expected = {month_start(today, 0): 1, month_start(today, 1): 3, month_start(today, 11): 1}
    assert bars == [
        (f"{month_start(today, k):%Y-%m}", str(expected.get(month_start(today, k), 0)))
        for k in range(12)
    ]
    heights = [int(h) for h in re.findall(r'<rect x="\d+" y="\d+" width="36" height="(\d+)"', html)]
    assert heights[1] == max(heights) > heights[0] == heights[11] > 0 == heights[2]
    assert table_rows(html, "expiry-table")[1] == [f"{month_start(today, 1):%B %Y}", "3"]
    assert "12 months: 5 in all" in html


def test_dashboard_without_expiring_documents_says_so(alice, login):
    """R62: with no valid document expiring within the year, the chart's place says so, and
    the map of a company without exposure is all in the "none" shade."""
    make_document(make_customer(alice.company, "C-1"), ["TX"])  # never expires
    html = login(alice.viewer).get(alice.url()).content.decode()
    assert "Nothing expires in the next 12 months" in html
    assert '<g class="bar"' not in html
    assert {region["class"] for region in map_regions(html).values()} == {"region shade-0"}
    assert table_rows(html, "exposure-by-region") == [
        ["No exposureEvery ship-to zone is covered today."]
    ]


def test_map_and_chart_cost_few_queries(alice, exposed, login, django_assert_max_num_queries):
    """R62: the map reuses each page's one exposure statement (no query of its own); the chart
    is one grouped query on the dashboard."""
    client = login(alice.viewer)
    with django_assert_max_num_queries(25) as report:
        client.get(alice.url("exposure/"))
    with django_assert_max_num_queries(25) as dashboard:
        client.get(alice.url())
    for page in (report, dashboard):
        assert sum("WITH needs AS" in q["sql"] for q in page.captured_queries) == 1
    assert sum("DATE_TRUNC('month'" in q["sql"] for q in dashboard.captured_queries) == 1
