import datetime
from collections import Counter

import pytest
from django.utils import timezone
from django_scopes import scope

from customers.models import ShipToZone
from tests.browser.conftest import log_in
from tests.factories import make_company, make_customer, make_document

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("browser")]

# (customer, company, its ship-to zones): exposed everywhere (no certificate on file).
CUSTOMERS = [
    ("Oak Valley Electric", "HQ", ["TX", "OK"]),
    ("Granite Schools", "HQ", ["TX"]),
    ("Lone Star Feed", "HQ", ["TX", "NM"]),
    ("Gulf Coast Marine", "WEST", ["TX", "LA", "FL"]),
    ("Harbor Foods", "WEST", ["CA", "WA"]),
    ("Sierra Clinics", "WEST", ["CA", "NV", "AZ"]),
    ("Pacific Schools", "WEST", ["CA", "OR"]),
    ("Empire Builders", "HQ", ["NY", "NJ"]),
    ("Hudson Printing", "HQ", ["NY", "PA"]),
    ("Great Lakes Supply", "HQ", ["IL", "OH", "ON"]),
    ("Maple Leaf Hardware", "HQ", ["ON", "QC"]),
    ("Rocky Mountain Labs", "WEST", ["CO", "BC"]),
    ("Peach State Church", "HQ", ["GA", "FL"]),
    ("Capitol Outfitters", "HQ", ["DC", "VA"]),
    ("Prairie Farms", "HQ", ["TX", "KS", "AB"]),
]


def test_dashboard_and_report_map_shading_and_region_link(page, screenshot, alice, password):
    """R62: the dashboard shows the map shaded by exposed customers (Texas, the most exposed,
    in the darkest shade) and the 12-month expiry chart; following Texas's link opens the
    exposure report listing only the customers exposed in Texas; the report has the same map."""
    west = make_company(alice.tenant, "ALICE-WEST", "Alice West", parent=alice.company)
    counts = Counter()
    with scope(tenant=alice.tenant.pk):
        for n, (name, company, regions) in enumerate(CUSTOMERS):
            customer = make_customer(
                west if company == "WEST" else alice.company, f"C-{1001 + n}", name
            )
            for region in regions:
                ShipToZone.objects.create(tenant=alice.tenant, customer=customer, region=region)
            counts.update(regions)
            # A certificate for a state it does not ship to: valid, expiring within the year.
            make_document(
                customer,
                ["MT"],
                expiration=timezone.localdate() + datetime.timedelta(days=20 + 31 * (n % 9)),
            )
    texans = sorted(name for name, _, regions in CUSTOMERS if "TX" in regions)

    log_in(page, alice.viewer.email, password)
    page.wait_for_url("**/t/**")
    dashboard_map = page.get_by_test_id("exposure-map")
    texas = dashboard_map.locator('path[data-region="TX"]')
    assert texas.get_attribute("class") == "region shade-5"
    assert texas.get_attribute("data-count") == str(counts["TX"]) == "5"
    assert dashboard_map.locator('path[data-region="MT"]').get_attribute("class") == (
        "region shade-0"
    )
    bars = page.get_by_test_id("expiry-chart").locator("g.bar")
    assert bars.count() == 12
    assert sum(int(bars.nth(k).get_attribute("data-count")) for k in range(12)) == len(CUSTOMERS)
    screenshot("dashboard")

    dashboard_map.locator('a[data-region="TX"]').click()
    page.wait_for_url("**/exposure/?region=TX")
    assert page.get_by_role("heading", name="Exposed customers in Texas").is_visible()
    listed = page.get_by_test_id("exposed-customer-list").locator("tbody tr td:first-child a")
    assert sorted(listed.all_inner_texts()) == texans

    page.get_by_role("link", name="Show all regions").click()
    page.wait_for_url("**/exposure/")
    report_map = page.get_by_test_id("exposure-map")
    california = report_map.locator('path[data-region="CA"]')
    assert california.get_attribute("data-count") == "3"
    assert california.get_attribute("class") == "region shade-3"  # steps 1, 2, 3, 4, 5
    table = page.get_by_test_id("exposure-by-region")
    assert table.locator("tr", has_text="California").locator("td.num").inner_text() == "3"
    screenshot("exposure")
    report_map.locator('a[data-region="CA"]').click()
    page.wait_for_url("**/exposure/?region=CA")
    assert sorted(listed.all_inner_texts()) == ["Harbor Foods", "Pacific Schools", "Sierra Clinics"]
