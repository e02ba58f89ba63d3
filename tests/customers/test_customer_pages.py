"""The customer list, the Add Customer flow, the Details tab, edit and delete (R8-R10, R19)."""

import uuid

import pytest
from django_scopes import scope

from customers.models import Customer
from tests.factories import make_customer

pytestmark = pytest.mark.django_db

FORM = {
    "number": " 00042 ",
    "name1": "Widget Works",
    "name2": "",
    "attention_name": "",
    "kind": "bill-to",
    "alternate_id": "",
    "fein": "",
    "address_line1": "1 Main St",
    "address_line2": "",
    "city": "Austin",
    "state": "tx",
    "country": "",
    "zip": "78701",
    "email": "ap@widget.example",
    "phone": "",
    "fax": "",
    "exemption_reason": "",
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
    assert client.post(alice.url(f"customers/{customer.public_id}/edit/"), FORM).status_code == 403
    assert client.post(alice.url(f"customers/{customer.public_id}/delete/")).status_code == 403
    with scope(tenant=alice.tenant.pk):
        assert Customer.objects.count() == 1


def test_add_customer_shows_field_errors(alice, login):
    """R9, R10: missing name, a ZIP that is not a US ZIP: errors beside the fields."""
    response = login(alice.editor).post(
        alice.url("customers/add/"), {**FORM, "name1": " ", "zip": "7870"}
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in text or "Name 1 is required." in text
    assert "is not a US ZIP code" in text
    with alice.scope():
        assert not Customer.objects.exists()


def test_duplicate_number_after_trimming_is_refused(alice, login):
    """R8: "1001" and " 1001 " are the same number in one company."""
    make_customer(alice.company, "1001")
    response = login(alice.editor).post(alice.url("customers/add/"), {**FORM, "number": " 1001"})
    assert "already used in" in response.content.decode()


def test_company_requiring_tax_fields_marks_them_required(alice, login):
    """R9: with the company setting, the six fields are required in the form."""
    with alice.scope():
        alice.company.require_tax_fields = True
        alice.company.save()
    client = login(alice.editor)
    page = client.get(alice.url("customers/add/")).content.decode()
    assert 'name="address_line1" maxlength="200" required' in page
    response = client.post(alice.url("customers/add/"), {**FORM, "address_line1": ""})
    assert response.status_code == 200
    with alice.scope():
        assert not Customer.objects.exists()


def test_not_tax_ready_badge_on_the_record(alice, login):
    """R9: a customer missing a tax field shows the badge and what is missing."""
    customer = make_customer(alice.company, "1", zip="")
    text = login(alice.viewer).get(alice.url(f"customers/{customer.public_id}/")).content.decode()
    assert "not tax-ready" in text and "missing ZIP / postal code" in text


def test_edit_customer(alice, login):
    """R8: Edit saves the record and returns to the Details tab."""
    customer = make_customer(alice.company, "1001", "Old Name")
    client = login(alice.editor)
    url = alice.url(f"customers/{customer.public_id}/edit/")
    assert client.get(url).status_code == 200
    response = client.post(url, {**FORM, "number": "1001", "name1": "New Name", "kind": "ship-to"})
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.name1, customer.kind, customer.email) == (
        "New Name",
        "ship-to",
        "ap@widget.example",
    )


def test_delete_refused_while_documents_exist_with_a_message(alice, login):
    """R8: Delete is refused while documents exist, with a message; otherwise it deletes."""
    from tests.customers.helpers import make_document

    kept = make_customer(alice.company, "1")
    make_document(kept)
    client = login(alice.editor)
    response = client.post(alice.url(f"customers/{kept.public_id}/delete/"), follow=True)
    assert "1 document on file and cannot be deleted" in response.content.decode()
    gone = make_customer(alice.company, "2")
    page = client.get(alice.url(f"customers/{gone.public_id}/delete/"))
    assert "Delete customer" in page.content.decode()
    assert client.post(alice.url(f"customers/{gone.public_id}/delete/")).status_code == 302
    with alice.scope():
        assert list(Customer.objects.values_list("number", flat=True)) == ["1"]


def test_dashboard_counts_not_tax_ready_in_the_subtree(alice, login):
    """R9: the dashboard counts not-tax-ready customers of the working company and below."""
    from tests.factories import make_company

    child = make_company(alice.tenant, "KID", parent=alice.company)
    make_customer(alice.company, "1", zip="")
    make_customer(child, "2", city="")
    make_customer(child, "3")
    text = login(alice.viewer).get(alice.url()).content.decode()
    panel = text.split("Not tax-ready")[1].split("</a>")[0]
    assert '<div class="value">2</div>' in panel


def test_dashboard_not_tax_ready_count_leaves_inactive_customers_out(alice, login):
    """R59: an inactive customer is out of the dashboard's not-tax-ready count, as it is out of
    the list the count links to."""
    make_customer(alice.company, "1", zip="")
    make_customer(alice.company, "2", zip="", is_active=False)
    text = login(alice.viewer).get(alice.url()).content.decode()
    panel = text.split("Not tax-ready")[1].split("</a>")[0]
    assert '<div class="value">1</div>' in panel


def test_required_tax_fields_still_let_the_state_set_the_country(alice, login):
    """R9, R10: with the six fields required, a US state without a country still saves."""
    with alice.scope():
        alice.company.require_tax_fields = True
        alice.company.save()
    response = login(alice.editor).post(alice.url("customers/add/"), {**FORM, "country": ""})
    assert response.status_code == 302
    with alice.scope():
        assert Customer.objects.get().country == "US"
