"""R63: address validation, an R19 setting (off by default, inherited): a US ZIP must belong to
its state by its three-digit prefix, a Canadian postal code's first letter to its province. On:
a field error in forms and a row error in imports; off: a warning. The list filters customers
whose address fails, whatever the setting; the admin gives the same checks."""

import pytest

from customers.models import Customer
from customers.postal import address_mismatch
from tests.customers.helpers import make_address
from tests.customers.test_customer_pages import FORM
from tests.factories import import_file, make_company, make_customer
from tests.imports.workbooks import basic_file, customer

pytestmark = pytest.mark.django_db

WRONG = {**FORM, "state": "TX", "zip": "10001"}  # 100 is New York's prefix


def _on(obj, value=True):
    obj.address_validation = value
    obj.save()


def test_zip_prefix_and_postal_letter_checks():
    """R63: ZIP prefix against state (shared prefixes allowed), first letter against province;
    other countries and malformed values are left to R10."""
    assert (
        address_mismatch(state="TX", country="US", zip="10001")
        == "ZIP 10001 is not in TX: its prefix 100 is NY's."
    )
    assert address_mismatch(state="NY", country="US", zip="10001-0001") is None
    assert address_mismatch(state="CT", country="US", zip="06390") is None  # 063: CT and NY
    assert address_mismatch(state="NY", country="US", zip="06390") is None
    assert address_mismatch(state="PR", country="US", zip="00901") is None
    assert (
        address_mismatch(state="ON", country="CA", zip="H2X 1Y4")
        == "Postal code H2X 1Y4 is not in ON: codes starting with H are QC's."
    )
    assert address_mismatch(state="QC", country="CA", zip="H2X 1Y4") is None
    assert address_mismatch(state="NU", country="CA", zip="X0A 0H0") is None
    assert address_mismatch(state="BY", country="DE", zip="10001") is None
    assert address_mismatch(state="TX", country="US", zip="1000") is None


def test_off_by_default_the_form_saves_with_a_warning(alice, login):
    """R63 off (the default): a ZIP outside its state saves, with a warning."""
    response = login(alice.editor).post(alice.url("customers/add/"), WRONG, follow=True)
    assert (
        "ZIP 10001 is not in TX: its prefix 100 is NY&#x27;s. Saved anyway"
        in response.content.decode()
    )
    with alice.scope():
        assert Customer.objects.get().zip == "10001"


def test_on_the_form_shows_the_error_beside_the_zip(alice, login):
    """R63 on at the company: a field error on the ZIP, nothing saved."""
    _on(alice.company)
    response = login(alice.editor).post(alice.url("customers/add/"), WRONG)
    assert response.status_code == 200
    assert response.context["form"].errors["zip"] == [
        "ZIP 10001 is not in TX: its prefix 100 is NY's."
    ]
    with alice.scope():
        assert not Customer.objects.exists()


def test_setting_is_inherited_and_overridden_like_r19(alice, login):
    """R63, R19: the tenant default reaches a child company; a customer's own "off" wins over
    it; the Details tab shows the effective value and its level."""
    alice.tenant.default_address_validation = True
    alice.tenant.save()
    child = make_company(alice.tenant, "A-CHILD", "Alice West", parent=alice.company)
    client = login(alice.editor)
    client.post(alice.url("pick-company/"), {"company": str(child.public_id)})
    response = client.post(alice.url("customers/add/"), WRONG)
    assert response.status_code == 200 and "zip" in response.context["form"].errors
    own_off = {**WRONG, "address_validation": "false"}
    response = client.post(alice.url("customers/add/"), own_off)
    assert response.status_code == 302
    with alice.scope():
        saved = Customer.objects.get()
    assert (saved.address_validation, saved.company_id) == (False, child.pk)
    page = client.get(alice.url(f"customers/{saved.public_id}/")).content.decode()
    assert "from customer" in page and "off: a ZIP outside its state is a warning" in page


def test_address_form_follows_its_customer_setting(alice, login):
    """R63: an address of a customer with validation on gets the field error too."""
    record = make_customer(alice.company, "C-1", address_validation=True)
    response = login(alice.editor).post(
        alice.url(f"customers/{record.public_id}/addresses/add/"),
        {
            "line1": "1 Dock",
            "city": "Austin",
            "state": "TX",
            "country": "US",
            "zip": "10001",
            "is_ship_to": "on",
            "is_active": "on",
            "address_validation": "unknown",
        },
    )
    assert response.status_code == 200
    assert "its prefix 100 is NY" in response.context["form"].errors["zip"][0]


def test_import_off_warns_and_on_refuses_the_row(alice, tmp_path):
    """R63 in imports: off, a warning on the ZIP and the row applies; on, a row error and
    nothing is written."""
    path = basic_file(tmp_path / "a.xlsx", [customer("1", State="TX", Zip="10001")])
    result = import_file(path, tenant=alice.tenant, company=alice.company, user=alice.editor)
    assert result.status == "applied"
    assert [(i.row, i.column, i.level) for i in result.issues] == [
        (2, "Billing Customer Zip", "warning")
    ]
    _on(alice.company)
    path = basic_file(tmp_path / "b.xlsx", [customer("2", State="TX", Zip="10001")])
    result = import_file(path, tenant=alice.tenant, company=alice.company, user=alice.editor)
    assert result.status == "invalid"
    assert [(i.row, i.column, i.level, i.message) for i in result.issues] == [
        (2, "Billing Customer Zip", "error", "ZIP 10001 is not in TX: its prefix 100 is NY's.")
    ]
    with alice.scope():
        assert sorted(Customer.objects.values_list("number", flat=True)) == ["1"]


def test_list_filters_customers_whose_address_fails_whatever_the_setting(alice, login):
    """R63: "ZIP outside its state" lists customers whose main address or an active address
    fails, with validation off."""
    make_customer(alice.company, "BAD-MAIN", state="TX", country="US", zip="10001")
    good = make_customer(alice.company, "GOOD", state="TX", country="US", zip="78701")
    make_address(good, state="TX", country="US", zip="10001", is_active=False)
    bad_address = make_customer(alice.company, "BAD-ADDR", state="TX", country="US", zip="78701")
    make_address(bad_address, state="ON", country="CA", zip="H2X 1Y4")
    make_customer(alice.company, "CA-OK", state="QC", country="CA", zip="H2X 1Y4")
    html = (
        login(alice.viewer)
        .get(alice.url("customers/"), {"address_check": "fails"})
        .content.decode()
    )
    assert "BAD-MAIN" in html and "BAD-ADDR" in html
    assert "GOOD" not in html and "CA-OK" not in html


def test_admin_checks_warns_and_filters(alice, staff_admin, login):
    """R63 in the admin: on, an error on the ZIP; off, saved with a warning; the list filter
    finds customers whose ZIP is outside their state."""
    post = {
        "tenant": alice.tenant.pk,
        "company": alice.company.pk,
        "number": "N-1",
        "name1": "New",
        "kind": "bill-to",
        "state": "TX",
        "country": "US",
        "zip": "10001",
        "address_validation": "unknown",
        "_save": "Save",
    }
    client = login(staff_admin)
    response = client.post("/admin/customers/customer/add/", post, follow=True)
    assert "Saved anyway: address validation is off." in response.content.decode()
    _on(alice.company)
    response = client.post("/admin/customers/customer/add/", {**post, "number": "N-2"})
    assert response.status_code == 200
    assert "its prefix 100 is NY" in response.content.decode()
    make_customer(alice.company, "FINE", state="NY", country="US", zip="10001")
    listing = client.get("/admin/customers/customer/", {"address_check": "fails"})
    assert "N-1" in listing.content.decode() and "FINE" not in listing.content.decode()
