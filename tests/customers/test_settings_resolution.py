"""R19: settings resolve from address, customer, company and ancestors, then the tenant."""

import pytest

from companies.services import company_update
from customers.settings_resolution import effective_setting
from tests.customers.helpers import make_address
from tests.factories import make_company, make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(alice):
    """alice HQ > East > NY, with a customer in NY and one of its addresses."""
    east = make_company(alice.tenant, "EAST", "Alice East", parent=alice.company)
    ny = make_company(alice.tenant, "NY", "Alice NY", parent=east)
    customer = make_customer(ny, "1")
    address = make_address(customer)
    return alice, east, ny, customer, address


def _resolve(world, name, **levels):
    with world.scope():
        return effective_setting(name, tenant=world.tenant, **levels)


def test_tenant_default_when_nothing_is_set(tree):
    """R19: the tenant's defaults (G resale, 30 days) when no level sets a value."""
    world, _, _, customer, address = tree
    assert _resolve(world, "exemption_reason", address=address) == ("G", "from the tenant default")
    assert _resolve(world, "expiring_soon_days", customer=customer) == (
        30,
        "from the tenant default",
    )


def test_nearest_ancestor_company_wins(tree):
    """R19: the company and its ancestors, nearest first."""
    world, east, ny, customer, address = tree
    with world.scope():
        company_update(company=world.company, expiring_soon_days=90, exemption_reason="A")
        company_update(company=east, expiring_soon_days=45)
    assert _resolve(world, "expiring_soon_days", address=address) == (45, "from company Alice East")
    assert _resolve(world, "exemption_reason", customer=customer) == ("A", "from company Alice HQ")
    with world.scope():
        company_update(company=ny, expiring_soon_days=10)
    assert _resolve(world, "expiring_soon_days", company=ny) == (10, "from company Alice NY")


def test_customer_beats_company_and_address_beats_customer(tree):
    """R19: customer over company, address over customer."""
    world, east, _, customer, address = tree
    with world.scope():
        company_update(company=east, exemption_reason="E")
        customer.exemption_reason = "I"
        customer.save()
        assert _resolve(world, "exemption_reason", address=address) == ("I", "from customer")
        address.exemption_reason = "M"
        address.expiring_soon_days = 0  # zero is a value, not "unset"
        address.save()
    assert _resolve(world, "exemption_reason", address=address) == ("M", f"from address {address}")
    assert _resolve(world, "expiring_soon_days", address=address)[0] == 0


def test_unknown_setting_is_an_error(tree):
    world, *_ = tree
    with pytest.raises(ValueError, match="Unknown setting"):
        _resolve(world, "colour", company=world.company)


def test_details_tab_shows_value_and_source(tree, login):
    """R19: the customer page shows the effective value and the level it came from."""
    world, east, _, customer, _ = tree
    with world.scope():
        company_update(company=east, expiring_soon_days=45)
    response = login(world.viewer).get(world.url(f"customers/{customer.public_id}/"))
    text = response.content.decode()
    assert "45 days" in text and "from company Alice East" in text
    assert "G - Resale" in text and "from the tenant default" in text
