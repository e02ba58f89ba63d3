"""R10, R9 (issue 13): a state that is no known US or Canadian code needs a country, in the one
validation place, so the customer form, the admin and imports agree."""

import re

import pytest

from customers.models import Customer
from customers.validation import clean_customer_values
from tests.customers.test_customer_pages import FORM
from tests.factories import import_file
from tests.imports.workbooks import basic_file, customer

pytestmark = pytest.mark.django_db

NEEDS_COUNTRY = "is no US or Canadian state code: give the country"


def test_unknown_state_without_country_is_refused_but_kept_when_country_is_absent():
    """R10: state ZZ with a blank country is an error on the country; with a country it is
    free text; with no country given at all (an import without the column) it is left to the
    stored country."""
    _, errors = clean_customer_values({"state": "ZZ", "country": "", "zip": "1234"})
    assert NEEDS_COUNTRY in errors["country"]
    cleaned, errors = clean_customer_values({"state": "ZZ", "country": "de", "zip": "1234"})
    assert errors == {} and cleaned["country"] == "DE"
    assert clean_customer_values({"state": "ZZ", "zip": "1234"})[1] == {}
    cleaned, errors = clean_customer_values({"state": "on", "country": ""})
    assert errors == {} and cleaned["country"] == "CA"


def test_form_refuses_unknown_state_without_country(alice, login):
    """R10: the customer form no longer saves state ZZ, ZIP 1234 and a blank country; the
    error is beside the country field."""
    response = login(alice.editor).post(
        alice.url("customers/add/"), {**FORM, "state": "ZZ", "zip": "1234", "country": ""}
    )
    assert response.status_code == 200
    assert NEEDS_COUNTRY in response.content.decode()
    assert "country" in response.context["form"].errors
    with alice.scope():
        assert not Customer.objects.exists()


def test_admin_refuses_unknown_state_without_country(alice, login):
    """R10: the admin gives the same error."""
    alice.admin.is_staff = True
    alice.admin.save()
    response = login(alice.admin).post(
        "/admin/customers/customer/add/",
        {
            "tenant": alice.tenant.pk,
            "company": alice.company.pk,
            "number": "N-1",
            "name1": "New",
            "kind": "bill-to",
            "state": "ZZ",
            "zip": "1234",
            "country": "",
            "_save": "Save",
        },
    )
    assert response.status_code == 200
    assert NEEDS_COUNTRY in response.content.decode()
    with alice.scope():
        assert not Customer.objects.exists()


def test_import_refuses_unknown_state_without_country(alice, tmp_path):
    """R10: an import row with state ZZ and a blank country is a row error on the country."""
    path = basic_file(tmp_path / "zz.xlsx", [customer("1", State="ZZ", Country="", Zip="1234")])
    result = import_file(path, tenant=alice.tenant, company=alice.company, user=alice.editor)
    assert result.status == "invalid"
    assert [(i.row, i.column) for i in result.issues] == [(2, "Billing Customer Country")]
    assert NEEDS_COUNTRY in result.issues[0].message
    with alice.scope():
        assert not Customer.objects.exists()


def test_name_1_is_labelled_required(alice, login):
    """R9 (issue 13): Name 1 is required to save, and the form says so instead of
    "Recommended"."""
    html = login(alice.editor).get(alice.url("customers/add/")).content.decode()
    assert re.search(r'<input[^>]*name="name1"[^>]*required', html)
    assert re.search(r'id="id_name1_helptext">([^<]*)<', html).group(1) == "Required."
