"""The Django admin per tenant (R44): superusers see every tenant; staff users see only the
tenants where they are admins; the company tree's drag and drop goes through the services."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django_scopes import scopes_disabled

from companies.admin_scoping import TenantScopedAdmin
from companies.models import Company, Membership, Tenant
from tests.companies.tree_checks import tree_problems
from tests.factories import make_company

PROJECT_APPS = {"companies", "customers", "documents", "imports"}


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser(email="root@example.com", password="x")


def _company(pk) -> Company:
    with scopes_disabled():
        return Company.objects.get(pk=pk)


def test_superuser_sees_every_tenants_companies_and_memberships(alice, bob, superuser, login):
    """R44: platform operators see all tenants' rows."""
    client = login(superuser)
    companies = client.get("/admin/companies/company/").content.decode()
    assert "ALICE-HQ" in companies and "BOB-HQ" in companies
    members = client.get("/admin/companies/membership/").content.decode()
    assert str(alice.viewer) in members and str(bob.viewer) in members
    tenants = client.get("/admin/companies/tenant/").content.decode()
    assert "/admin/companies/tenant/add/" in tenants
    assert client.get(f"/admin/companies/company/{bob.company.pk}/change/").status_code == 200


def test_staff_admin_sees_only_its_tenants_rows(alice, bob, staff_admin, login):
    """R44: a staff user who is admin of alice sees alice's companies, memberships and tenant
    only; bob's rows are not listed and their change pages answer as missing."""
    client = login(staff_admin)
    companies = client.get("/admin/companies/company/").content.decode()
    assert "ALICE-HQ" in companies and "BOB-HQ" not in companies
    members = client.get("/admin/companies/membership/").content.decode()
    assert str(alice.viewer) in members and str(bob.viewer) not in members
    tenants = client.get("/admin/companies/tenant/").content.decode()
    assert "Alice" in tenants and "/admin/companies/tenant/add/" not in tenants
    with bob.scope():
        bob_member = Membership.objects.get(user=bob.viewer)
    for url in (
        f"/admin/companies/company/{bob.company.pk}/change/",
        f"/admin/companies/membership/{bob_member.pk}/change/",
        f"/admin/companies/tenant/{bob.tenant.pk}/change/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/admin/", url
    response = client.post(f"/admin/companies/company/{bob.company.pk}/delete/", {"post": "yes"})
    assert _company(bob.company.pk)


def test_staff_admin_cannot_add_to_another_tenant(alice, bob, staff_admin, login):
    """R44: the tenant and parent choices are limited to the tenants the user administers."""
    client = login(staff_admin)
    response = client.post(
        "/admin/companies/company/add/",
        {"tenant": bob.tenant.pk, "parent": bob.company.pk, "name": "Sneaky", "code": "SNEAKY"},
    )
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    response = client.post(
        "/admin/companies/company/add/",
        {"tenant": alice.tenant.pk, "parent": bob.company.pk, "name": "Sneaky", "code": "SNEAKY"},
    )
    assert b"Select a valid choice" in response.content
    with scopes_disabled():
        assert not Company.objects.filter(code="SNEAKY").exists()
    response = client.post(
        "/admin/companies/membership/add/",
        {"tenant": bob.tenant.pk, "user": staff_admin.pk, "role": "owner"},
    )
    with scopes_disabled():
        assert not Membership.objects.filter(tenant=bob.tenant, user=staff_admin).exists()


def test_staff_admin_adds_a_company_through_the_service(alice, staff_admin, login):
    """R44, R6: a company added in the admin lands in the tree, in name order."""
    make_company(alice.tenant, "ZED", "Zed", parent=alice.company)
    response = login(staff_admin).post(
        "/admin/companies/company/add/",
        {"tenant": alice.tenant.pk, "parent": alice.company.pk, "name": "Alpha", "code": "ALPHA"},
    )
    assert response.status_code == 302
    with alice.scope():
        assert [c.code for c in Company.objects.get(pk=alice.company.pk).get_children()] == [
            "ALPHA",
            "ZED",
        ]
    assert tree_problems() == []


def test_admin_add_refused_by_the_service_writes_nothing_and_says_why(alice, staff_admin, login):
    """R44, R5: a code the service refuses (same code, other case) shows the reason."""
    response = login(staff_admin).post(
        "/admin/companies/company/add/",
        {"tenant": alice.tenant.pk, "name": "Again", "code": "alice-hq"},
        follow=True,
    )
    assert response.status_code == 200
    assert b"already used in this tenant" in response.content
    with alice.scope():
        assert Company.objects.count() == 1


def _drag(client, cut, pasted_on, position):
    return client.post(
        "/admin/companies/company/",
        {"cmd": "move_node", "cut_item": cut.pk, "pasted_on": pasted_on.pk, "position": position},
    )


def test_drag_and_drop_moves_through_the_service(alice, staff_admin, login):
    """R44, R6: a drop moves the company with the service: siblings stay in name order (the
    service's rule, not mptt's drop position) and the tree stays sound."""
    east = make_company(alice.tenant, "EAST", "East", parent=alice.company)
    west = make_company(alice.tenant, "WEST", "West", parent=alice.company)
    ny = make_company(alice.tenant, "NY", "New York", parent=east)
    client = login(staff_admin)
    response = _drag(client, ny, west, "last-child")
    assert response.content == b"OK"
    assert _company(ny.pk).parent_id == west.pk
    # Dropped to the right of West, East stays beside it under HQ, ahead of West by name.
    response = _drag(client, east, west, "right")
    assert response.content == b"OK"
    with alice.scope():
        assert [c.code for c in Company.objects.get(pk=alice.company.pk).get_children()] == [
            "EAST",
            "WEST",
        ]
    assert tree_problems() == []


def test_drag_and_drop_refuses_a_descendant_and_another_tenant(alice, bob, staff_admin, login):
    """R44, R6: dropping a company under its own descendant, or onto another tenant's
    company, fails and changes nothing."""
    east = make_company(alice.tenant, "EAST", "East", parent=alice.company)
    ny = make_company(alice.tenant, "NY", "New York", parent=east)
    client = login(staff_admin)
    assert _drag(client, east, ny, "last-child").content.startswith(b"FAIL")
    assert _drag(client, east, bob.company, "last-child").content.startswith(b"FAIL")
    assert _company(east.pk).parent_id == alice.company.pk
    assert tree_problems() == []


def test_staff_user_who_is_not_an_admin_sees_no_tenant_data(alice, login):
    """R44: staff status alone shows nothing: an editor of alice sees no company rows."""
    alice.editor.is_staff = True
    alice.editor.save(update_fields=["is_staff"])
    client = login(alice.editor)
    assert client.get("/admin/companies/company/").status_code == 403
    assert client.get(f"/admin/companies/company/{alice.company.pk}/change/").status_code in (
        302,
        403,
    )


def test_every_model_is_in_the_admin_and_tenant_scoped(db):
    """R44: every model of the project apps is registered; tenant-owned ones with the
    tenant-scoped admin (a membership's companies, MembershipCompany, on the membership's
    page)."""
    from django.apps import apps

    from companies.models import MembershipCompany

    missing, unscoped = [], []
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            if model is MembershipCompany:
                continue
            model_admin = admin.site._registry.get(model)
            if model_admin is None:
                missing.append(model.__name__)
            elif model is not Tenant and not isinstance(model_admin, TenantScopedAdmin):
                unscoped.append(model.__name__)
    assert missing == []
    assert unscoped == []


# --- memberships in the admin follow the app's role rules (R2) ----------------------------------


def _member(world, user) -> Membership:
    with scopes_disabled():
        return Membership.objects.get(tenant=world.tenant, user=user)


def _change_role(client, member: Membership, role: str, **extra):
    return client.post(
        f"/admin/companies/membership/{member.pk}/change/",
        {"user": member.user_id, "role": role, **extra},
    )


def _delete(client, member: Membership):
    return client.post(f"/admin/companies/membership/{member.pk}/delete/", {"post": "yes"})


def test_staff_admin_cannot_make_itself_or_others_owner_in_the_admin(alice, staff_admin, login):
    """R2, R44: only owners grant admin or owner, in the Django admin too."""
    client = login(staff_admin)
    editor = _member(alice, alice.editor)
    response = _change_role(client, editor, "owner")
    assert b"Only an owner can grant" in response.content
    assert _member(alice, alice.editor).role == "editor"
    response = client.post(
        "/admin/companies/membership/add/",
        {
            "tenant": alice.tenant.pk,
            "user": get_user_model().objects.create_user(email="new@example.com").pk,
            "role": "admin",
        },
    )
    assert response.status_code == 403  # staff admins invite in the app (R50)
    with scopes_disabled():
        assert not Membership.objects.filter(user__email="new@example.com").exists()
    # The owner's and its own admin row are read-only to it; the editor's row it may change.
    owner = _member(alice, alice.owner)
    assert _delete(client, owner).status_code == 403
    assert _member(alice, alice.owner)
    response = _change_role(client, editor, "viewer")
    assert response.status_code == 302
    assert _member(alice, alice.editor).role == "viewer"


def test_the_last_owner_stays_in_the_admin_even_for_a_superuser(alice, superuser, login):
    """R2, R44: a platform operator may change any role, but a tenant keeps an owner."""
    client = login(superuser)
    owner = _member(alice, alice.owner)
    response = _change_role(client, owner, "viewer")
    assert b"at least one owner" in response.content
    assert _delete(client, owner).status_code == 403
    assert _member(alice, alice.owner).role == "owner"
    editor = _member(alice, alice.editor)
    response = _change_role(client, editor, "owner")
    assert response.status_code == 302
    assert _member(alice, alice.editor).role == "owner"


def test_admin_membership_companies_must_be_of_its_tenant(alice, bob, superuser, login):
    """R1, R44: a membership cannot be limited to another tenant's company."""
    viewer = _member(alice, alice.viewer)
    response = _change_role(login(superuser), viewer, "viewer", companies=[bob.company.pk])
    assert b"Pick companies of the membership" in response.content
    with scopes_disabled():
        assert not Membership.objects.get(pk=viewer.pk).companies.exists()


def test_history_of_a_membership_s_companies_names_them(alice, staff_admin, login):
    """R44, R54: the admin's history of the companies a membership is limited to names each
    company by name and code, and the member by email, not by ids: in the list and on an
    event's page, also once the company is deleted."""
    from companies.models import MembershipCompany
    from companies.services import company_delete

    west = make_company(alice.tenant, "ALICE-WEST", "Alice West Coast", parent=alice.company)
    east = make_company(alice.tenant, "ALICE-EAST", "Alice East", parent=alice.company)
    client = login(staff_admin)
    viewer = _member(alice, alice.viewer)
    assert _change_role(client, viewer, "viewer", companies=[west.pk, east.pk]).status_code == 302
    assert _change_role(client, viewer, "viewer", companies=[east.pk]).status_code == 302
    with alice.scope():
        company_delete(company=west)
        removal = MembershipCompany.pgh_event_model.objects.get(pgh_label="delete")

    listing = client.get("/admin/companies/membershipcompanyevent/").content.decode()
    assert listing.count("Alice West Coast (ALICE-WEST)") == 2  # added, then removed
    assert listing.count("Alice East (ALICE-EAST)") == 1
    assert listing.count(alice.viewer.email) == 3
    assert ">Company id<" not in listing and ">Membership id<" not in listing
    page = client.get(f"/admin/companies/membershipcompanyevent/{removal.pk}/change/")
    assert page.status_code == 200
    assert "Alice West Coast (ALICE-WEST)" in page.content.decode()
    assert alice.viewer.email in page.content.decode()
