"""Pages changed by issue 13, in Chromium: the admin customer list fits 1,400 px, the region
filter box, the address tab with its settings and a refused channel. Screenshots of pages
that are not in the README go to SHOTS (a temporary folder) to be looked at."""

import os
from pathlib import Path

from django_scopes import scope

from customers.models import ChannelKind
from tests.browser.conftest import log_in
from tests.customers.helpers import make_address
from tests.factories import make_customer

SHOTS = Path(os.environ.get("CERTHUB_LOOK_SHOTS", "/tmp/certhub-look"))


def _shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_admin_customer_list_is_not_cut_off_at_1400_px(alice, browser, live_server, password):
    """R44 (issue 13): the admin's customer list, filters included, fits a 1,400 px window:
    nothing is cut off or needs scrolling sideways."""
    alice.admin.is_staff = True
    alice.admin.save()
    for n in range(3):
        make_customer(
            alice.company,
            f"LONG-NUMBER-{n:04}",
            "Granite Supply and Industrial Distribution Company of North Texas",
            city="Fort Worth",
        )
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1400, "height": 900})
    page = context.new_page()
    log_in(page, alice.admin.email, password)
    page.wait_for_url("**/t/**")
    page.goto("/admin/customers/customer/")
    _shoot(page, "admin-customers")
    widths = page.evaluate("""() => ({page: document.documentElement.scrollWidth,
        table: document.querySelector('#result_list').scrollWidth,
        shown: document.querySelector('#changelist .results').clientWidth,
        filter: document.querySelector('#changelist-filter').getBoundingClientRect().right})""")
    assert widths["page"] <= 1400 and widths["filter"] <= 1400, widths
    assert widths["table"] <= widths["shown"], widths  # every column in view
    context.close()


def test_region_filter_box_and_address_tab(alice, page, password):
    """Issue 13: the region checkboxes' filter box (script) narrows the list by code or name;
    the Addresses tab shows each address's settings; a refused phone stays typed beside its
    error."""
    customer = make_customer(alice.company, "C-1", "Prairie Feed & Seed", exemption_reason="G")
    make_address(customer, label="Dock", exemption_reason="B")
    log_in(page, alice.editor.email, password)
    page.wait_for_url("**/t/**")
    page.goto(alice.url(f"customers/{customer.public_id}/documents/new/"))
    box = page.get_by_label("Filter regions")
    box.fill("tex")
    visible = page.locator("label.region-option:visible")
    assert visible.count() == 1 and "Texas" in visible.inner_text()
    box.fill("")
    assert page.locator("label.region-option:visible").count() == 69
    page.get_by_label("TX Texas").check()
    _shoot(page, "document-form")

    page.goto(alice.url(f"customers/{customer.public_id}/addresses/"))
    card = page.get_by_test_id("addresses")
    form = card.locator("form.channel-form").first
    form.locator("select[name=kind]").select_option(ChannelKind.PHONE)
    form.locator("input[name=value]").fill("call me")
    form.get_by_role("button", name="Add phone/email").click()
    page.wait_for_load_state()
    form = page.get_by_test_id("addresses").locator("form.channel-form").first
    assert form.locator("input[name=value]").input_value() == "call me"
    assert "is not a phone number" in form.get_by_test_id("channel-error").inner_text()
    assert "from this address" in page.get_by_test_id("address-settings").first.inner_text()
    _shoot(page, "addresses")
    with scope(tenant=alice.tenant.pk):
        assert not customer.addresses.get().channels.exists()
