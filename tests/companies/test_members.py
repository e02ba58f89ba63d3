"""Members and roles in the app: admins manage members, only owners grant or remove the admin
and owner roles, the last owner stays, and limited memberships reach only their subtree (R2)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django_scopes import scope

from companies import services
from companies.models import Company, Invitation, Membership, Role
from tests.factories import make_company, make_membership


def _membership(world, user) -> Membership:
    with world.scope():
        return Membership.objects.get(user=user)


def _role(world, user) -> str | None:
    with world.scope():
        membership = Membership.objects.filter(user=user).first()
    return membership.role if membership else None


def test_adding_a_member_twice_is_refused(alice, login):
    """R2: a user has one membership per tenant."""
    response = login(alice.admin).post(
        alice.url("members/add/"), {"email": alice.viewer.email, "role": "editor"}
    )
    assert b"already a member" in response.content
    assert _role(alice, alice.viewer) == Role.VIEWER


def test_admin_changes_a_role_and_removes_a_member(alice, login):
    """R2: admins change an editor's or viewer's role and remove members."""
    client = login(alice.admin)
    viewer = _membership(alice, alice.viewer)
    response = client.post(alice.url(f"members/{viewer.public_id}/"), {"role": "editor"})
    assert response.status_code == 302
    assert _role(alice, alice.viewer) == Role.EDITOR
    response = client.post(alice.url(f"members/{viewer.public_id}/remove/"))
    assert response.status_code == 302
    assert _role(alice, alice.viewer) is None


@pytest.mark.parametrize("role", ["admin", "owner"])
def test_only_an_owner_grants_admin_or_owner(alice, login, role):
    """R2: an admin cannot make anyone admin or owner; an owner can."""
    editor = _membership(alice, alice.editor)
    response = login(alice.admin).post(alice.url(f"members/{editor.public_id}/"), {"role": role})
    assert b"Only an owner can grant" in response.content
    assert _role(alice, alice.editor) == Role.EDITOR
    response = login(alice.admin).post(
        alice.url("members/add/"), {"email": "boss@example.com", "role": role}
    )
    assert b"Only an owner can grant" in response.content
    assert not get_user_model().objects.filter(email="boss@example.com").exists()

    response = login(alice.owner).post(alice.url(f"members/{editor.public_id}/"), {"role": role})
    assert response.status_code == 302
    assert _role(alice, alice.editor) == role


def test_an_admin_cannot_remove_or_demote_an_owner_or_another_admin(alice, bob, login):
    """R2: only owners remove or change admins and owners."""
    make_membership(alice.tenant, bob.admin, Role.ADMIN)
    client = login(alice.admin)
    for user in (alice.owner, bob.admin):
        member = _membership(alice, user)
        response = client.post(alice.url(f"members/{member.public_id}/remove/"), follow=True)
        assert b"Only an owner can grant" in response.content
        response = client.post(alice.url(f"members/{member.public_id}/"), {"role": "viewer"})
        assert b"Only an owner can grant" in response.content
    assert _role(alice, alice.owner) == Role.OWNER
    assert _role(alice, bob.admin) == Role.ADMIN

    member = _membership(alice, bob.admin)
    login(alice.owner).post(alice.url(f"members/{member.public_id}/remove/"))
    assert _role(alice, bob.admin) is None


def test_the_last_owner_cannot_be_removed_or_demoted(alice, bob, login):
    """R2: a tenant keeps at least one owner; with a second owner the first may step down."""
    owner = _membership(alice, alice.owner)
    client = login(alice.owner)
    response = client.post(alice.url(f"members/{owner.public_id}/"), {"role": "admin"})
    assert b"at least one owner" in response.content
    response = client.post(alice.url(f"members/{owner.public_id}/remove/"), follow=True)
    assert b"at least one owner" in response.content
    assert _role(alice, alice.owner) == Role.OWNER

    make_membership(alice.tenant, bob.owner, Role.OWNER)
    response = client.post(alice.url(f"members/{owner.public_id}/"), {"role": "admin"})
    assert response.status_code == 302
    assert _role(alice, alice.owner) == Role.ADMIN


def test_members_page_lists_only_this_tenants_members(alice, bob, login):
    """R1: the member list shows this tenant's members only."""
    content = login(alice.admin).get(alice.url("members/")).content.decode()
    assert alice.viewer.email in content
    assert bob.viewer.email not in content


# --- memberships limited to companies -----------------------------------------------------------


@pytest.fixture
def regions(alice):
    """HQ with EAST (NY below it) and WEST; a limited admin and viewer for EAST."""
    east = make_company(alice.tenant, "EAST", "East", parent=alice.company)
    ny = make_company(alice.tenant, "NY", "New York", parent=east)
    west = make_company(alice.tenant, "WEST", "West", parent=alice.company)
    east_admin = make_membership(alice.tenant, role=Role.ADMIN, companies=[east]).user
    east_viewer = make_membership(alice.tenant, role=Role.VIEWER, companies=[east]).user
    return {"east": east, "ny": ny, "west": west, "admin": east_admin, "viewer": east_viewer}


def test_limited_membership_reaches_its_companies_and_their_descendants_only(alice, regions, login):
    """R2: the company list and the picker show East and New York, not HQ or West."""
    content = login(regions["viewer"]).get(alice.url("companies/")).content.decode()
    for code in ("EAST", "NY"):
        assert f"<td>{code}</td>" in content
    for code in ("ALICE-HQ", "WEST"):
        assert f"<td>{code}</td>" not in content
    picker = content.split('id="working-company"')[1].split("</select>")[0]
    assert str(regions["east"].public_id) in picker
    assert str(regions["ny"].public_id) in picker
    assert str(regions["west"].public_id) not in picker
    assert str(alice.company.public_id) not in picker


def test_limited_admin_gets_404_for_a_company_outside_its_subtree(alice, regions, login):
    """R2, R3: a company outside the membership answers 404 like one that does not exist."""
    client = login(regions["admin"])
    assert client.get(alice.url(f"companies/{regions['ny'].public_id}/")).status_code == 200
    for company in (regions["west"], alice.company):
        assert client.get(alice.url(f"companies/{company.public_id}/")).status_code == 404
        response = client.post(alice.url("pick-company/"), {"company": str(company.public_id)})
        assert response.status_code == 404


def test_limited_admin_cannot_create_a_root_or_move_a_company_out_of_reach(alice, regions, login):
    """R2: a limited admin must put new and moved companies under a company it reaches."""
    client = login(regions["admin"])
    response = client.post(alice.url("companies/add/"), {"name": "Loose", "code": "LOOSE"})
    assert response.status_code == 200
    response = client.post(alice.url(f"companies/{regions['ny'].public_id}/move/"), {"parent": ""})
    with alice.scope():
        assert not Company.objects.filter(code="LOOSE").exists()
        assert Company.objects.get(pk=regions["ny"].pk).parent_id == regions["east"].pk
    response = client.post(
        alice.url("companies/add/"),
        {"name": "Boston", "code": "BOS", "parent": str(regions["east"].public_id)},
    )
    assert response.status_code == 302


def test_limited_admin_cannot_grant_more_than_it_reaches(alice, regions, login):
    """R2: a limited admin cannot add a member reaching every company, or West."""
    client = login(regions["admin"])
    for data in (
        {"email": "x@example.com", "role": "editor"},
        {"email": "x@example.com", "role": "editor", "companies": [str(regions["west"].public_id)]},
    ):
        response = client.post(alice.url("members/add/"), data)
        assert response.status_code == 200
        assert not get_user_model().objects.filter(email="x@example.com").exists()
    response = client.post(
        alice.url("members/add/"),
        {"email": "x@example.com", "role": "editor", "companies": [str(regions["ny"].public_id)]},
    )
    assert response.status_code == 302
    with alice.scope():
        invited = Invitation.objects.get(email="x@example.com")
        assert [c.code for c in invited.companies.all()] == ["NY"]


def test_limited_admin_cannot_change_or_remove_an_unlimited_member(alice, regions, login):
    """R2, R50: members reaching beyond the limited admin's companies are out of its hands:
    404, as for a member that does not exist."""
    client = login(regions["admin"])
    viewer = _membership(alice, alice.viewer)
    response = client.post(alice.url(f"members/{viewer.public_id}/remove/"))
    assert response.status_code == 404
    response = client.post(alice.url(f"members/{viewer.public_id}/"), {"role": "editor"})
    assert response.status_code == 404
    assert _role(alice, alice.viewer) == Role.VIEWER


def test_a_company_some_membership_is_limited_to_cannot_be_deleted(alice):
    """R2, R6: deleting South would leave its member limited to nothing, i.e. reaching every
    company; the deletion is refused and says why."""
    south = make_company(alice.tenant, "SOUTH", "South", parent=alice.company)
    make_membership(alice.tenant, role=Role.EDITOR, companies=[south])
    with scope(tenant=alice.tenant.pk), pytest.raises(ValidationError) as refused:
        services.company_delete(company=south)
    message = "South cannot be deleted: it still holds 1 member limited to it."
    assert message in refused.value.messages[0]
    assert Company.objects.with_scopes_disabled().filter(pk=south.pk).exists()
