"""The customer list, the Add Customer flow, the Details tab, edit and delete (R8-R10, R19)."""

import uuid

import pytest
from django_scopes import scope

from customers.models import Customer
from tests.factories import make_customer

pytestmark = pytest.mark.django_db

FORM = {
    "number": " 00042 ", "name1": "Widget Works", "name2": "", "attention_name": "",
    "kind": "bill-to", "alternate_id": "", "fein": "", "address_line1": "1 Main St",
    "address_line2": "", "city": "Austin", "state": "tx", "country": "", "zip": "78701",
    "email": "ap@widget.example", "phone": "", "fax": "", "exemption_reason": "",
    "expiring_soon_days": "",
}


def test_add_customer_saves_in_the_working_company_and_opens_its_page(alice, login):
    """R8, R10: the number is trimmed and kept as text; a US state sets the country."""
    client = login(alice.editor)
    response = client.post(alice.url("customers/add/"), FORM)
    with alice.scope():
        customer = Customer.objects.get()
    assert response.status_code == 302
    assert response.url == alice.url(f"customers/{customer.public_id}/")
    assert (customer.number, customer.state, customer.country) == ("00042", "TX", "US")
    assert customer.company == alice.company
    page = client.get(response.url)
    assert page.status_code == 200
    assert b"Widget Works" in page.content


def test_detail_tab_four_cases(alice, bob, login, client):
    """R3: happy path, another tenant's user 404, anonymous to login."""
    customer = make_customer(alice.company, "1001", "Acme Buyer")
    url = alice.url(f"customers/{customer.public_id}/")
    assert client.get(url).status_code == 302
    assert login(bob.owner).get(url).status_code == 404
    assert login(bob.owner).get(bob.url(f"customers/{customer.public_id}/")).status_code == 404
    response = login(alice.viewer).get(url)
    assert response.status_code == 200
    assert b"Acme Buyer" in response.content
    assert login(alice.viewer).get(alice.url(f"customers/{uuid.uuid4()}/")).status_code == 404


def test_viewer_cannot_add_edit_or_delete(alice, login):
    """R2, R3: a viewer reads but gets 403 on writes."""
    customer = make_customer(alice.company, "1001")
    client = login(alice.viewer)
    assert client.get(alice.url("customers/add/")).status_code == 403
    assert client.post(alice.url("customers/add/"), FORM).status_code == 403
    assert client.post(alice.url(f"customers/{customer.public_id}/edit/"), FORM).status_code \
        == 403
    assert client.post(alice.url(f"customers/{customer.public_id}/delete/")).status_code == 403
    with scope(tenant=alice.tenant.pk):
        assert Customer.objects.count() == 1
