"""What a tester found as a new user and as an attacker: keys, countries, links and messages
(R8, R10, R12, R42, R49, R61), through every way in: the form, the admin, services, imports."""

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django_scopes import scope

from companies.forms import StorableTextModelForm
from companies.models import Company
from customers import services
from customers.models import Customer, ShipToLink
from tests.customers.test_customer_pages import FORM
from tests.factories import import_file, make_company, make_customer
from tests.imports.commands import export_command

pytestmark = pytest.mark.django_db


def _customer_admin_post(customer, **changes):
    data = {name: getattr(customer, name) or "" for name in services.CUSTOMER_TEXT_FIELDS}
    data.update(
        kind=customer.kind, exemption_reason="", expiring_soon_days="", is_active="on", _save="Save"
    )
    return {**data, **changes}


def test_admin_duplicate_customer_number_is_a_field_error(alice, staff_admin, login):
    """R61, R8: in the admin, another customer's number of the same company is an error next
    to Number (the app's words), not the constraint's IntegrityError (a 500)."""
    make_customer(alice.company, "C-1", "First")
    second = make_customer(alice.company, "C-2", "Second")
    url = f"/admin/customers/customer/{second.pk}/change/"
    response = login(staff_admin).post(url, _customer_admin_post(second, number="C-1"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Customer number &#x27;C-1&#x27; is already used in Alice HQ." in text
    with alice.scope():
        assert Customer.objects.get(pk=second.pk).number == "C-2"


def test_admin_company_code_clash_is_a_field_error(alice, staff_admin, login):
    """R61: every admin model form checks unique constraints whose other fields it shows read
    only (a company's tenant): a duplicate code is an error on Code, never a 500."""
    other = make_company(alice.tenant, "WEST", parent=alice.company)
    url = f"/admin/companies/company/{other.pk}/change/"
    page = login(staff_admin).get(url)
    assert page.status_code == 200
    data = {
        "name": other.name,
        "code": "ALICE-HQ",
        "parent": alice.company.pk,
        "legal_name": "",
        "fein": "",
        "address_line1": "",
        "address_line2": "",
        "city": "",
        "state": "",
        "country": "",
        "zip": "",
        "contact_email": "",
        "exemption_reason": "",
        "expiring_soon_days": "",
        "_save": "Save",
    }
    response = login(staff_admin).post(url, data)
    assert response.status_code == 200
    assert "already" in response.content.decode()
    with scope(tenant=alice.tenant.pk):
        assert Company.objects.get(pk=other.pk).code == "WEST"


def test_every_admin_form_checks_constraints_on_fields_it_leaves_out(alice, staff_admin):
    """R61: a walk of every admin able to change rows: its change form derives from the form
    base that checks unique constraints on fields left out of the form or read only."""
    request = RequestFactory().get("/admin/")
    request.user = staff_admin
    walked = 0
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_change_permission(request) or not any(
            getattr(c, "fields", ()) for c in model._meta.constraints
        ):
            continue
        form = model_admin.get_form(request, None, fields=None)
        assert issubclass(form, StorableTextModelForm), model
        walked += 1
    assert walked >= 3  # customers, companies, memberships at least


def test_form_number_with_invisible_characters_imports_back_unchanged(alice, login, tmp_path):
    """R49, R42: the Add Customer form stores the number as imports match it (no-break spaces
    and zero-width characters at its ends removed); exported and imported back, nothing
    changes."""
    client = login(alice.editor)
    response = client.post(alice.url("customers/add/"), {**FORM, "number": "\u00a0XSS-1\u200b"})
    assert response.status_code == 302
    with alice.scope():
        assert list(Customer.objects.values_list("number", flat=True)) == ["XSS-1"]
    path = tmp_path / "export.xlsx"
    export_command(alice, path, "--template", "basic")
    result = import_file(path, tenant=alice.tenant, company=alice.company, user=alice.editor)
    assert result.status == "applied", result.issues
    assert result.counts["new"] == 0 and result.counts["unchanged"] == 1
    with alice.scope():
        assert Customer.objects.count() == 1


def test_services_and_admin_normalise_keys(alice, staff_admin, login):
    """R49, R42: the service (every way in) trims invisible characters off a customer number
    and a company code; the admin goes through it."""
    with alice.scope():
        customer = services.customer_create(
            tenant=alice.tenant, company=alice.company, number="\ufeffN-1\u2060", name1="N"
        )
        assert customer.number == "N-1"
    company = make_company(alice.tenant, "\u200bEAST\u00a0", parent=alice.company)
    assert company.code == "EAST"
    url = f"/admin/customers/customer/{customer.pk}/change/"
    response = login(staff_admin).post(url, _customer_admin_post(customer, number="N-2\u200b"))
    assert response.status_code == 302
    with alice.scope():
        assert Customer.objects.get(pk=customer.pk).number == "N-2"


def test_unknown_country_code_is_refused_everywhere(alice, staff_admin, login, tmp_path):
    """R10: the country is an ISO 3166-1 alpha-2 code: ZZ is a field error in the form, the
    admin and an import row (one check: customers.regions.normalise_address)."""
    client = login(alice.editor)
    response = client.post(alice.url("customers/add/"), {**FORM, "state": "TX", "country": "ZZ"})
    assert response.status_code == 200
    assert "&#x27;ZZ&#x27; is not an ISO 3166-1 two-letter country code" in (
        response.content.decode()
    )
    customer = make_customer(alice.company, "C-9", country="DE", state="BY", zip="80331")
    url = f"/admin/customers/customer/{customer.pk}/change/"
    response = login(staff_admin).post(url, _customer_admin_post(customer, country="ZZ"))
    assert response.status_code == 200
    assert "is not an ISO 3166-1 two-letter country code" in response.content.decode()
    with alice.scope():
        assert list(Customer.objects.values_list("country", flat=True)) == ["DE"]
    from tests.imports import workbooks as wb

    path = wb.basic_file(tmp_path / "zz.xlsx", [wb.customer("Z-1", Country="ZZ")])
    result = import_file(path, tenant=alice.tenant, company=alice.company, user=alice.editor)
    assert result.counts["errors"] == 1
    with alice.scope():
        assert not Customer.objects.filter(number="Z-1").exists()


def test_links_check_customer_kinds(alice):
    """R12: the billing side must be a bill-to customer, the shipping side a ship-to customer;
    the message says what to do. (The admin's form calls the same check_link.)"""
    with alice.scope():
        billing = make_customer(alice.company, "B-1")
        other_billing = make_customer(alice.company, "B-2")
        ship_to = make_customer(alice.company, "S-1", kind="ship-to")
        with pytest.raises(ValidationError) as error:
            services.link_add(billing=billing, shipping_number="B-2")
        assert "is a bill-to customer: link a ship-to customer" in str(error.value)
        with pytest.raises(ValidationError) as error:
            services.check_link(billing=ship_to, shipping=other_billing)
        assert "is a ship-to customer and cannot have shipping customers" in str(error.value)
        services.link_add(billing=billing, shipping_number="S-1")
        assert list(ShipToLink.objects.values_list("shipping__number", flat=True)) == ["S-1"]


def test_names_ending_in_a_full_stop_get_no_second_one(alice):
    """Messages: a name ending in "." is not followed by another full stop."""
    company = make_company(alice.tenant, "ACME", "Acme Distribution Inc.", parent=alice.company)
    with alice.scope():
        customer = make_customer(company, "C-1011", "Bayview Builders Inc.")
        services.zone_add(customer=customer, region="TX")
        with pytest.raises(ValidationError) as error:
            services.zone_add(customer=customer, region="TX")
        assert str(error.value.messages[0]).endswith("C-1011 Bayview Builders Inc.")
        with pytest.raises(ValidationError) as error:
            services.link_add(billing=customer, shipping_number="NOPE")
        message = error.value.messages[0]
        assert "in Acme Distribution Inc. Add the shipping customer first" in message
        assert ".." not in message


def test_search_finding_only_inactive_customers_says_so(alice, login):
    """R59: a search that finds only inactive customers says how many and links to the list
    with the Status filter showing them."""
    gone = make_customer(alice.company, "OLD-1", "Oldfield Supply")
    with alice.scope():
        services.customer_set_active(customer=gone, active=False)
    client = login(alice.viewer)
    text = client.get(alice.url("customers/"), {"q": "Oldfield"}).content.decode()
    assert "No active customers found" in text
    assert "1 inactive customer matches: show it" in text
    assert "status=inactive" in text
    shown = client.get(alice.url("customers/"), {"q": "Oldfield", "status": "inactive"})
    assert [c.number for c in shown.context["page"].items] == ["OLD-1"]


def test_one_bad_filter_keeps_the_others(alice, login):
    """R13: a bad filter value is flagged on its field; the valid filters still apply
    (status=inactive&sort=zzz shows the inactive list)."""
    make_customer(alice.company, "ON-1", "Active One")
    gone = make_customer(alice.company, "OFF-1", "Inactive One")
    with alice.scope():
        services.customer_set_active(customer=gone, active=False)
    response = login(alice.viewer).get(
        alice.url("customers/"), {"status": "inactive", "sort": "zzz"}
    )
    assert response.status_code == 200
    assert [c.number for c in response.context["page"].items] == ["OFF-1"]
    assert "Select a valid choice" in response.content.decode()


def test_admin_link_refuses_a_ship_to_customer_as_billing_side(alice, staff_admin, login):
    """R12: in the admin too, a ship-to customer cannot be the billing side of a link (the
    form calls the service's check_link); no link is written."""
    ship_to = make_customer(alice.company, "S-1", kind="ship-to")
    other = make_customer(alice.company, "S-2", kind="ship-to")
    response = login(staff_admin).post(
        "/admin/customers/shiptolink/add/",
        {"tenant": alice.tenant.pk, "billing": ship_to.pk, "shipping": other.pk, "_save": "Save"},
    )
    assert response.status_code == 200
    assert "is a ship-to customer and cannot have shipping customers" in (response.content.decode())
    with alice.scope():
        assert not ShipToLink.objects.exists()


def test_admin_number_taken_after_the_form_check_is_a_message(
    alice, staff_admin, login, monkeypatch
):
    """R61, R8: in the admin, a customer number that another save takes between the form's
    check and this save (the constraint's IntegrityError) is an error message on the form
    page again, not a 500; nothing of this save is kept."""
    customer_admin = admin.site._registry[Customer]
    save_model = type(customer_admin).save_model

    def rival_then_save(self, request, obj, form, change):
        # Another request's customer, inserted after the form's check (here in this
        # request's transaction, so the rollback takes it too).
        make_customer(alice.company, "C-9", "Rival")
        save_model(self, request, obj, form, change)

    monkeypatch.setattr(type(customer_admin), "save_model", rival_then_save)
    client = login(staff_admin)
    response = client.post(
        "/admin/customers/customer/add/",
        {
            "tenant": alice.tenant.pk,
            "company": alice.company.pk,
            "number": "C-9",
            "name1": "Late",
            "kind": "bill-to",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/customers/customer/add/"
    page = client.get(response["Location"]).content.decode()
    assert "Customer number &#x27;C-9&#x27; was taken by another save a moment ago" in page
    with alice.scope():
        assert not Customer.objects.filter(name1="Late").exists()
