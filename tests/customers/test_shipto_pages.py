"""The ShipTo tab: Add ShipTo Zone, Link ShipTo Customer, Remove and Unlink (R11, R12)."""

import uuid

import pytest

from customers.models import ShipToLink, ShipToZone
from tests.factories import make_company, make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(alice):
    billing = make_customer(alice.company, "B-1", "Billing Co")
    shipping = make_customer(alice.company, "S-1", "Shipping Co", kind="ship-to")
    return alice, billing, shipping


def _url(world, customer, path=""):
    return world.url(f"customers/{customer.public_id}/shipto/{path}")


def test_add_zones_one_at_a_time_and_remove(pair, login):
    """R11: zones are added one at a time from the drop-down and removed."""
    alice, billing, _ = pair
    client = login(alice.editor)
    page = client.get(_url(alice, billing)).content.decode()
    assert "Add ShipTo Zone" in page and '<option value="QC">Quebec</option>' in page
    for region in ("TX", "QC"):
        response = client.post(_url(alice, billing, "zones/add/"), {"region": region})
        assert response.status_code == 302
    page = client.get(_url(alice, billing)).content.decode()
    assert "Texas" in page and "Quebec" in page
    with alice.scope():
        zone = ShipToZone.objects.get(region="QC")
    client.post(_url(alice, billing, f"zones/{zone.public_id}/remove/"))
    with alice.scope():
        assert list(billing.zones.values_list("region", flat=True)) == ["TX"]


def test_duplicate_zone_is_a_form_error(pair, login):
    """R11: unique per customer, with a message instead of an error page."""
    alice, billing, _ = pair
    client = login(alice.editor)
    client.post(_url(alice, billing, "zones/add/"), {"region": "TX"})
    response = client.post(_url(alice, billing, "zones/add/"), {"region": "TX"})
    assert response.status_code == 200
    assert "Texas is already a ship-to zone" in response.content.decode()


def test_link_and_unlink_from_either_side(pair, login):
    """R12: a link by number shows on both customers and either side can undo it."""
    alice, billing, shipping = pair
    client = login(alice.editor)
    page = client.get(_url(alice, billing)).content.decode()
    assert "Add ShipTo Customer" in page and "Link ShipTo Customer" in page
    assert (
        client.post(_url(alice, billing, "links/add/"), {"shipping_number": "S-1"}).status_code
        == 302
    )
    assert "S-1 Shipping Co" in client.get(_url(alice, billing)).content.decode()
    assert "B-1 Billing Co" in client.get(_url(alice, shipping)).content.decode()
    with alice.scope():
        link = ShipToLink.objects.get()
    assert client.post(_url(alice, shipping, f"links/{link.public_id}/remove/")).status_code == 302
    with alice.scope():
        assert not ShipToLink.objects.exists()


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("NOPE", "No customer with number &#x27;NOPE&#x27;"),
        ("B-1", "cannot be its own shipping customer"),
        ("ELSE-1", "No customer with number"),
    ],
)
def test_link_errors_are_clear(pair, login, number, message):
    """R12: unknown number (or of another company) and self links are refused clearly."""
    alice, billing, _ = pair
    other = make_company(alice.tenant, "OTHER", parent=alice.company)
    make_customer(other, "ELSE-1")
    response = login(alice.editor).post(
        _url(alice, billing, "links/add/"), {"shipping_number": number}
    )
    assert response.status_code == 200
    assert message in response.content.decode()


def test_shipto_tab_four_cases(pair, bob, login, client):
    """R3: happy path above; other tenant 404; viewer 403 on writes; anonymous to login."""
    alice, billing, shipping = pair
    assert client.get(_url(alice, billing)).status_code == 302
    assert login(bob.owner).get(_url(alice, billing)).status_code == 404
    assert (
        login(bob.owner).post(_url(bob, billing, "zones/add/"), {"region": "TX"}).status_code == 404
    )
    viewer = login(alice.viewer)
    page = viewer.get(_url(alice, billing))
    assert page.status_code == 200 and "Add ShipTo Zone" not in page.content.decode()
    assert viewer.post(_url(alice, billing, "zones/add/"), {"region": "TX"}).status_code == 403
    assert (
        viewer.post(_url(alice, billing, "links/add/"), {"shipping_number": "S-1"}).status_code
        == 403
    )
    assert (
        login(alice.editor).post(_url(alice, billing, f"zones/{uuid.uuid4()}/remove/")).status_code
        == 404
    )
    with alice.scope():
        assert not billing.zones.exists()
