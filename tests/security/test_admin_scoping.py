"""R44: a staff user who is admin of tenant alice sees and picks only alice's rows in the Django
admin: changelists and their filters, change forms and their drop-downs, raw-id and
autocomplete lookups, and admin actions. Every model registered with a TenantScopedAdmin is
walked, so a new admin class is covered."""

import pytest
from django.contrib import admin
from django.urls import reverse
from django_scopes import scopes_disabled

from companies.admin_scoping import TenantScopedAdmin
from customers.models import Address, Customer
from tests.factories import make_customer

SCOPED_ADMINS = sorted(
    (model._meta.label, model)
    for model, model_admin in admin.site._registry.items()
    if isinstance(model_admin, TenantScopedAdmin)
)


@pytest.fixture
def bobs_customer(bob):
    return make_customer(bob.company, "BOB-C-1", "Bobsled Secret Corp")


def _admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _bob_markers(bob) -> list[str]:
    """What would give bob's tenant away on an admin page of alice's staff."""
    return [
        f"tenant__id__exact={bob.tenant.pk}",
        f'value="{bob.tenant.pk}">Bob<',
        ">Bob</a>",
        "BOB-HQ",
    ]


@pytest.mark.parametrize(("label", "model"), SCOPED_ADMINS, ids=[m[0] for m in SCOPED_ADMINS])
def test_changelist_and_its_filters_show_only_own_tenants(
    label, model, alice, bob, staff_admin, login
):
    """R44: the changelist's relation filters (the tenant filter first) list only the tenants
    the staff user administers, not every tenant of the platform."""
    page = login(staff_admin).get(_admin_url(model, "changelist"))
    assert page.status_code == 200
    html = page.content.decode()
    for marker in _bob_markers(bob):
        assert marker not in html, (label, marker)


@pytest.mark.parametrize(("label", "model"), SCOPED_ADMINS, ids=[m[0] for m in SCOPED_ADMINS])
def test_add_form_offers_only_own_tenants_rows(label, model, alice, bob, staff_admin, login):
    """R44: FK drop-downs of an add form list only the administered tenants' rows; models
    that are not added by hand (history, batches, uploads) refuse the add page."""
    response = login(staff_admin).get(_admin_url(model, "add"))
    if not admin.site._registry[model].has_add_permission(_request(staff_admin)):
        assert response.status_code == 403
        return
    html = response.content.decode()
    for marker in _bob_markers(bob):
        assert marker not in html, (label, marker)


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_raw_id_field_does_not_show_other_tenants_row(
    alice, bob, staff_admin, bobs_customer, login
):
    """R44: a raw-id field given the id of bob's customer neither accepts it nor shows its
    name and link beside the input (Django's widget looks the id up unscoped)."""
    response = login(staff_admin).post(
        _admin_url(Address, "add"),
        {"tenant": alice.tenant.pk, "customer": bobs_customer.pk, "line1": "", "city": "X"},
    )
    html = response.content.decode()
    assert response.status_code == 200  # the form is refused
    assert "Bobsled Secret Corp" not in html
    assert _admin_url(Customer, "change", bobs_customer.pk) not in html
    with scopes_disabled():
        assert not Address.objects.filter(customer=bobs_customer).exists()


def test_raw_id_field_still_shows_own_row(alice, staff_admin, login):
    """R44 (control): the label of alice's own customer is still shown."""
    mine = make_customer(alice.company, "A-1", "Alpaca Trading")
    response = login(staff_admin).post(
        _admin_url(Address, "add"),
        {"tenant": alice.tenant.pk, "customer": mine.pk, "line1": "", "city": "X"},
    )
    assert "Alpaca Trading" in response.content.decode()


def test_membership_user_cannot_be_picked_from_another_tenant(alice, bob, staff_admin, login):
    """R44, R50: bob's owner cannot be added to alice by id in the admin, nor his email
    revealed: staff admins add no membership there at all (they invite in the app)."""
    from companies.models import Membership

    response = login(staff_admin).post(
        _admin_url(Membership, "add"),
        {"tenant": alice.tenant.pk, "user": bob.owner.pk, "role": "viewer"},
    )
    assert response.status_code == 403
    assert bob.owner.email not in response.content.decode()
    with scopes_disabled():
        assert not Membership.objects.filter(user=bob.owner, tenant=alice.tenant).exists()


def test_autocomplete_offers_only_own_tenants_users(alice, bob, staff_admin, login):
    """R44: the user autocomplete of memberships lists alice's users only."""
    response = login(staff_admin).get(
        "/admin/autocomplete/",
        {
            "app_label": "companies",
            "model_name": "membership",
            "field_name": "user",
            "term": "example.com",
        },
    )
    ids = {int(item["id"]) for item in response.json()["results"]}
    assert alice.viewer.pk in ids
    assert not ids & {bob.owner.pk, bob.admin.pk, bob.editor.pk, bob.viewer.pk}


def test_autocomplete_of_customers_offers_only_own_tenants(
    alice, bob, staff_admin, bobs_customer, login
):
    """R44: an autocomplete on any customer relation answers from the scoped changelist."""
    make_customer(alice.company, "A-2", "Alpaca Secret Supplies")
    response = login(staff_admin).get(
        "/admin/autocomplete/",
        {
            "app_label": "documents",
            "model_name": "document",
            "field_name": "customer",
            "term": "Secret",
        },
    )
    texts = " ".join(item["text"] for item in response.json().get("results", []))
    assert "Bobsled" not in texts


def test_raw_id_lookup_popup_lists_only_own_tenants(alice, bob, staff_admin, bobs_customer, login):
    """R44: the raw-id lookup (the changelist in a popup) lists only alice's customers."""
    make_customer(alice.company, "A-3", "Alpaca Popup")
    html = (
        login(staff_admin)
        .get(_admin_url(Customer, "changelist"), {"_to_field": "id", "_popup": "1"})
        .content.decode()
    )
    assert "Alpaca Popup" in html and "Bobsled" not in html


def test_admin_action_ignores_other_tenants_rows(alice, bob, staff_admin, bobs_customer, login):
    """R44: an action posted with the id of bob's row does nothing to it."""
    login(staff_admin).post(
        _admin_url(Customer, "changelist"),
        {"action": "delete_selected", "_selected_action": [bobs_customer.pk], "post": "yes"},
    )
    with scopes_disabled():
        assert Customer.objects.filter(pk=bobs_customer.pk).exists()


def test_other_tenants_change_page_is_missing(alice, bob, staff_admin, bobs_customer, login):
    """R44: bob's row answers as missing (a redirect to the admin index with a message)."""
    client = login(staff_admin)
    response = client.get(_admin_url(Customer, "change", bobs_customer.pk))
    assert response.status_code == 302
    response = client.post(_admin_url(Customer, "change", bobs_customer.pk), {"name1": "Hacked"})
    with scopes_disabled():
        assert Customer.objects.get(pk=bobs_customer.pk).name1 == "Bobsled Secret Corp"


def test_admin_limited_to_some_companies_has_no_django_admin(alice, login):
    """R2, R44: the Django admin spans whole tenants, so an admin whose membership is limited
    to some companies cannot use it (it would show the other companies' customers); they work
    in the app, where the limit applies."""
    from companies.models import Role
    from tests.factories import make_company, make_membership

    east = make_company(alice.tenant, "EAST", "East", parent=alice.company)
    make_customer(alice.company, "HQ-1", "Headquarters Only Customer")
    limited = make_membership(alice.tenant, role=Role.ADMIN, companies=[east]).user
    limited.is_staff = True
    limited.save(update_fields=["is_staff"])
    client = login(limited)
    assert client.get(_admin_url(Customer, "changelist")).status_code == 403
    assert "Headquarters Only Customer" not in client.get("/admin/").content.decode()
    with scopes_disabled():
        hq_customer = Customer.objects.get(number="HQ-1")
    assert client.get(_admin_url(Customer, "change", hq_customer.pk)).status_code in (302, 403)


def test_staff_admin_cannot_change_the_tenants_slug(alice, staff_admin, login):
    """R44, R48: the slug is the tenant's address; only platform operators change it. A staff
    admin may still rename the tenant."""
    from companies.models import Tenant

    response = login(staff_admin).post(
        _admin_url(Tenant, "change", alice.tenant.pk),
        {
            "name": "Alice Renamed",
            "slug": "hijacked",
            "default_exemption_reason": "G",
            "default_expiring_soon_days": 30,
        },
    )
    assert response.status_code == 302
    alice.tenant.refresh_from_db()
    assert (alice.tenant.name, alice.tenant.slug) == ("Alice Renamed", "alice")
