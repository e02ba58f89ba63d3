"""R44 for customers: scoped admin, the same R18 and R10 checks, read-only history."""

import pytest
from django.apps import apps

from customers.models import Address
from tests.customers.helpers import make_address, make_document
from tests.factories import make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(alice):
    alice.admin.is_staff = True
    alice.admin.save()
    return alice.admin


def _address_post(address, **changes):
    data = {"tenant": address.tenant_id, "customer": address.customer_id, "label": "",
            "line1": address.line1, "line2": "", "city": address.city, "county": "",
            "state": address.state, "country": address.country, "zip": address.zip,
            "is_ship_to": "on", "is_active": "on", "exemption_reason": "",
            "expiring_soon_days": "", "_save": "Save"}
    return {**data, **changes}


def test_admin_lists_only_the_tenants_it_administers(alice, bob, staff, login):
    """R44: a staff admin of alice sees alice's customers only."""
    make_customer(alice.company, "A-1", "Alice Customer")
    make_customer(bob.company, "B-1", "Bob Customer")
    text = login(staff).get("/admin/customers/customer/").content.decode()
    assert "Alice Customer" in text and "Bob Customer" not in text


def test_admin_refuses_locked_tax_components(alice, staff, login):
    """R18: an admin edit of a locked address's city is refused with the reason."""
    customer = make_customer(alice.company, "1")
    address = make_address(customer)
    make_document(customer, address=address)
    client = login(staff)
    url = f"/admin/customers/address/{address.pk}/change/"
    response = client.post(url, _address_post(address, city="Austin", zip="78701"))
    assert response.status_code == 200
    assert "a document refers to this address" in response.content.decode()
    with alice.scope():
        assert Address.objects.get(pk=address.pk).city == "Dallas"
    assert client.post(url, _address_post(address, line1="2 Other Rd")).status_code == 302
    with alice.scope():
        assert Address.objects.get(pk=address.pk).line1 == "2 Other Rd"


def test_admin_validates_regions_and_statements(alice, staff, login):
    """R10, R15: admin edits get the same field checks, as form errors."""
    customer = make_customer(alice.company, "1")
    address = make_address(customer)
    make_address(customer, is_statements=True)
    url = f"/admin/customers/address/{address.pk}/change/"
    response = login(staff).post(url, _address_post(address, zip="ABC"))
    assert "is not a US ZIP code" in response.content.decode()
    response = login(staff).post(url, _address_post(address, is_statements="on"))
    assert "already has an active Statements address" in response.content.decode()


def test_history_is_read_only_in_the_admin(alice, staff, login):
    """R14, R44: history rows are listed but cannot be added, changed or deleted."""
    make_customer(alice.company, "1")
    client = login(staff)
    assert client.get("/admin/customers/customerevent/").status_code == 200
    event_model = apps.get_model("customers", "CustomerEvent")
    with alice.scope():
        event = event_model.objects.get()
    assert client.get("/admin/customers/customerevent/add/").status_code == 403
    client.post(f"/admin/customers/customerevent/{event.pk}/change/", {"pgh_label": "x"})
    assert client.post(f"/admin/customers/customerevent/{event.pk}/delete/",
                       {"post": "yes"}).status_code == 403
    with alice.scope():
        assert event_model.objects.get().pgh_label == "insert"
