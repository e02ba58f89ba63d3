import pytest
from django_scopes import scope

from customers.models import Customer
from tests.browser.conftest import log_in
from tests.factories import make_company, make_customer

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("browser")]


def test_add_customer_then_ship_to_zones_and_a_shipping_customer(page, screenshot, alice, password):
    """R7, R8, R11, R12: pick the working company, add a customer, add two ship-to zones and
    link an existing shipping customer; both appear on the ShipTo tab."""
    west = make_company(alice.tenant, "ALICE-WEST", "Alice West", parent=alice.company)
    make_customer(west, "S-100", "Dockside Receiving", kind="ship-to")

    log_in(page, alice.editor.email, password)
    page.wait_for_url("**/t/**")
    with page.expect_navigation():
        page.get_by_label("Company").select_option(label="\u00a0\u00a0Alice West")

    page.locator("nav.sidenav").get_by_role("link", name="Customers").click()
    page.get_by_role("link", name="Add Customer").click()
    page.get_by_label("Customer number").fill("000481")
    page.get_by_label("Name 1").fill("Granite Supply Co.")
    page.get_by_label("Email").fill("ap@granite.example")
    page.get_by_label("Address line 1").fill("400 Commerce Dr")
    page.get_by_label("City").fill("Austin")
    page.get_by_label("State").fill("TX")
    page.get_by_label("ZIP / postal code").fill("78701")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/customers/*-*/")
    assert "Granite Supply Co." in page.locator("h1").inner_text()

    page.get_by_role("link", name="ShipTo", exact=True).click()
    for state in ("Texas", "California"):
        page.get_by_label("State or province").select_option(label=state)
        page.get_by_role("button", name="Add ShipTo Zone").click()
        page.wait_for_load_state()
    page.get_by_label("Shipping customer number").fill("S-100")
    page.get_by_role("button", name="Link ShipTo Customer").click()
    page.wait_for_load_state()

    zones = page.get_by_test_id("shipto-zones").inner_text()
    assert "Texas" in zones and "California" in zones
    assert "S-100 Dockside Receiving" in page.get_by_test_id("shipto-customers").inner_text()
    screenshot("customer")

    with scope(tenant=alice.tenant.pk):
        customer = Customer.objects.get(number="000481")
        assert customer.company == west and customer.country == "US"
        assert sorted(customer.zones.values_list("region", flat=True)) == ["CA", "TX"]
        assert [c.number for c in customer.shipping_customers.all()] == ["S-100"]
