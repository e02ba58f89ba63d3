"""Every tenant page of the companies app, four ways: the happy path, another tenant's user (404),
a role that is too low (403) and an anonymous visitor (log-in page) (R1-R3)."""

from dataclasses import dataclass

import pytest
from django_scopes import scope

from companies.models import Company, Membership


@dataclass(frozen=True)
class Page:
    name: str
    path: str  # relative to /t/<slug>/, with {company} and {member} placeholders
    method: str = "get"
    min_role: str = "viewer"
    ok_status: int = 200


PAGES = [
    Page("dashboard", ""),
    Page("pick", "pick-company/", "post", ok_status=302),
    Page("company list", "companies/"),
    Page("company create", "companies/add/", min_role="admin"),
    Page("company edit", "companies/{company}/", min_role="admin"),
    Page("company move", "companies/{company}/move/", "post", "admin", 302),
    Page("company delete", "companies/{company}/delete/", min_role="admin"),
    Page("member list", "members/", min_role="admin"),
    Page("member add", "members/add/", min_role="admin"),
    Page("member edit", "members/{member}/", min_role="admin"),
    Page("member remove", "members/{member}/remove/", "post", "admin", 302),
    Page("settings", "settings/", min_role="admin"),
]
ADMIN_PAGES = [page for page in PAGES if page.min_role == "admin"]


def _url(world, page: Page) -> str:
    with world.scope():
        member = Membership.objects.get(user=world.viewer)
    return world.url(page.path.format(company=world.company.public_id, member=member.public_id))


def _request(client, world, page: Page):
    url = _url(world, page)
    if page.method == "post":
        return client.post(url, {"company": str(world.company.public_id), "parent": ""})
    return client.get(url)


def _user(world, role: str):
    return getattr(world, role)


ids = [page.name for page in PAGES]


@pytest.mark.parametrize("page", PAGES, ids=ids)
def test_page_answers_for_a_member_with_the_role(alice, login, page):
    """R1, R2: a member with the role the page needs reaches it under /t/<slug>/."""
    response = _request(login(_user(alice, page.min_role)), alice, page)
    assert response.status_code == page.ok_status


@pytest.mark.parametrize("page", PAGES, ids=ids)
def test_page_of_another_tenant_is_not_found(alice, bob, login, page):
    """R1, R3: bob's owner gets the same 404 for alice's pages as for a tenant that does not
    exist."""
    response = _request(login(bob.owner), alice, page)
    assert response.status_code == 404
    missing = login(bob.owner).get("/t/no-such-tenant/")
    assert missing.status_code == 404


@pytest.mark.parametrize("page", ADMIN_PAGES, ids=[page.name for page in ADMIN_PAGES])
def test_page_refuses_a_role_that_is_too_low(alice, login, page):
    """R2, R3: an editor (and a viewer) of the tenant gets 403 on the admin pages."""
    for role in ("editor", "viewer"):
        response = _request(login(_user(alice, role)), alice, page)
        assert response.status_code == 403, role


@pytest.mark.parametrize("page", PAGES, ids=ids)
def test_page_sends_an_anonymous_visitor_to_log_in(alice, client, page):
    """R3: no login redirects to the login page, with the page to come back to."""
    response = _request(client, alice, page)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("suffix", ["", "move/", "delete/"])
def test_guessing_a_company_id_of_another_tenant_is_not_found(alice, bob, login, suffix):
    """R3: alice's admin using the UUID of bob's company gets 404, as for an unknown id."""
    client = login(alice.owner)
    url = alice.url(f"companies/{bob.company.public_id}/{suffix}")
    response = client.post(url, {"parent": ""}) if suffix else client.get(url)
    assert response.status_code == 404
    with bob.scope():
        assert Company.objects.filter(pk=bob.company.pk).exists()


def test_guessing_a_member_id_of_another_tenant_is_not_found(alice, bob, login):
    """R3: alice's owner cannot edit or remove one of bob's memberships by its UUID."""
    with bob.scope():
        bob_member = Membership.objects.get(user=bob.viewer)
    client = login(alice.owner)
    assert client.get(alice.url(f"members/{bob_member.public_id}/")).status_code == 404
    assert client.post(alice.url(f"members/{bob_member.public_id}/remove/")).status_code == 404
    with scope(tenant=bob.tenant.pk):
        assert Membership.objects.filter(pk=bob_member.pk).exists()


def test_picking_a_company_of_another_tenant_is_not_found(alice, bob, login):
    """R3, R7: the picker refuses a company id of another tenant with 404."""
    response = login(alice.viewer).post(
        alice.url("pick-company/"), {"company": str(bob.company.public_id)}
    )
    assert response.status_code == 404


def test_urls_carry_uuids_not_database_ids(alice, login):
    """R3: the company list links to companies by public UUID, never by integer pk."""
    content = login(alice.admin).get(alice.url("companies/")).content.decode()
    assert f"companies/{alice.company.public_id}/" in content
    assert f"companies/{alice.company.pk}/" not in content
