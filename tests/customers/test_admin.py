"""R44 for customers: scoped admin, the same R18 and R10 checks, read-only history."""

import pytest
from django.apps import apps

from customers.models import Address, Customer, ShipToLink
from tests.customers.helpers import make_address, make_document
from tests.factories import make_company, make_customer

pytestmark = pytest.mark.django_db


def _address_post(address, **changes):
    data = {
        "tenant": address.tenant_id,
        "customer": address.customer_id,
        "label": "",
        "line1": address.line1,
        "line2": "",
        "city": address.city,
        "county": "",
        "state": address.state,
        "country": address.country,
        "zip": address.zip,
        "is_ship_to": "on",
        "is_active": "on",
        "exemption_reason": "",
        "expiring_soon_days": "",
        "_save": "Save",
    }
    return {**data, **changes}


def test_admin_lists_only_the_tenants_it_administers(alice, bob, staff_admin, login):
    """R44: a staff admin of alice sees alice's customers only."""
    make_customer(alice.company, "A-1", "Alice Customer")
    make_customer(bob.company, "B-1", "Bob Customer")
    text = login(staff_admin).get("/admin/customers/customer/").content.decode()
    assert "Alice Customer" in text and "Bob Customer" not in text


def test_admin_refuses_locked_tax_components(alice, staff_admin, login):
    """R18: an admin edit of a locked address's city is refused with the reason."""
    customer = make_customer(alice.company, "1")
    address = make_address(customer)
    make_document(customer, address=address)
    client = login(staff_admin)
    url = f"/admin/customers/address/{address.pk}/change/"
    response = client.post(url, _address_post(address, city="Austin", zip="78701"))
    assert response.status_code == 200
    assert "a document refers to this address" in response.content.decode()
    with alice.scope():
        assert Address.objects.get(pk=address.pk).city == "Dallas"
    assert client.post(url, _address_post(address, line1="2 Other Rd")).status_code == 302
    with alice.scope():
        assert Address.objects.get(pk=address.pk).line1 == "2 Other Rd"


def test_admin_validates_regions_and_statements(alice, staff_admin, login):
    """R10, R15: admin edits get the same field checks, as form errors."""
    customer = make_customer(alice.company, "1")
    address = make_address(customer)
    make_address(customer, is_statements=True)
    url = f"/admin/customers/address/{address.pk}/change/"
    response = login(staff_admin).post(url, _address_post(address, zip="ABC"))
    assert "is not a US ZIP code" in response.content.decode()
    response = login(staff_admin).post(url, _address_post(address, is_statements="on"))
    assert "already has an active Statements address" in response.content.decode()


def test_history_is_read_only_in_the_admin(alice, staff_admin, login):
    """R14, R44: history rows are listed but cannot be added, changed or deleted."""
    make_customer(alice.company, "1")
    client = login(staff_admin)
    assert client.get("/admin/customers/customerevent/").status_code == 200
    event_model = apps.get_model("customers", "CustomerEvent")
    with alice.scope():
        event = event_model.objects.get()
    assert client.get("/admin/customers/customerevent/add/").status_code == 403
    client.post(f"/admin/customers/customerevent/{event.pk}/change/", {"pgh_label": "x"})
    assert (
        client.post(
            f"/admin/customers/customerevent/{event.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    with alice.scope():
        assert event_model.objects.get().pgh_label == "insert"


def _change_data(client, url, **changes):
    """The admin change form's current values as a POST, with `changes` on top."""
    form = client.get(url).context["adminform"].form
    data = {"_save": "Save"}
    for name in form.fields:
        value = form[name].value()
        if value is True:
            data[name] = "on"
        elif value not in (None, False):
            data[name] = value
    return {**data, **changes}


def test_admin_cannot_move_a_customer_to_another_company(alice, staff_admin, login):
    """R3, R44: a customer's company is read only once it exists: its documents keep the
    company and company-limited access is checked against it."""
    other = make_company(alice.tenant, "OTHER", parent=alice.company)
    customer = make_customer(alice.company, "1", "Acme")
    make_document(customer)
    client = login(staff_admin)
    url = f"/admin/customers/customer/{customer.pk}/change/"
    assert "company" not in client.get(url).context["adminform"].form.fields
    response = client.post(url, _change_data(client, url, name1="Acme Two", company=other.pk))
    assert response.status_code == 302
    with alice.scope():
        customer.refresh_from_db()
        assert (customer.name1, customer.company_id) == ("Acme Two", alice.company.pk)
        assert customer.documents.get().company_id == alice.company.pk


def test_admin_adds_a_customer_in_the_company_picked(alice, staff_admin, login):
    """R7, R44 (control): on add, the company is still picked."""
    other = make_company(alice.tenant, "OTHER", parent=alice.company)
    client = login(staff_admin)
    response = client.post(
        "/admin/customers/customer/add/",
        {
            "tenant": alice.tenant.pk,
            "company": other.pk,
            "number": "N-1",
            "name1": "New",
            "kind": "bill-to",
            "_save": "Save",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    with alice.scope():
        assert Customer.objects.get(number="N-1").company_id == other.pk


def _link_post(alice, billing, shipping):
    return {
        "tenant": alice.tenant.pk,
        "billing": billing.pk,
        "shipping": shipping.pk,
        "_save": "Save",
    }


def test_admin_link_keeps_to_one_company(alice, staff_admin, login):
    """R12: the admin links a billing customer only to another customer of its company, the
    service's rule: another company's customer and the customer itself are refused."""
    sibling = make_company(alice.tenant, "SIB", parent=alice.company)
    billing = make_customer(alice.company, "B-1", "Billing")
    foreign = make_customer(sibling, "S-1", "Elsewhere")
    client = login(staff_admin)
    response = client.post("/admin/customers/shiptolink/add/", _link_post(alice, billing, foreign))
    assert response.status_code == 200
    assert "is a customer of another company" in response.content.decode()
    response = client.post("/admin/customers/shiptolink/add/", _link_post(alice, billing, billing))
    assert "cannot be its own shipping customer" in response.content.decode()
    with alice.scope():
        assert not ShipToLink.objects.exists()
    shipping = make_customer(alice.company, "S-2", "Dock", kind="ship-to")
    response = client.post("/admin/customers/shiptolink/add/", _link_post(alice, billing, shipping))
    assert response.status_code == 302
    with alice.scope():
        assert ShipToLink.objects.get().shipping_id == shipping.pk
