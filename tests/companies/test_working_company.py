"""The working company: picked in the top bar, kept in the session, shown on every page (R7)."""

import pytest
from django.test import RequestFactory

from companies.models import Membership
from companies.tenancy import working_companies
from tests.factories import make_company

PAGES = ["", "companies/", "members/", "settings/", "members/add/", "companies/add/"]


def _picked(content: str) -> str:
    """The option selected in the top bar's company picker."""
    picker = content.split('id="working-company"')[1].split("</select>")[0]
    selected = [part for part in picker.split("<option")[1:] if " selected" in part]
    assert len(selected) == 1, picker
    return selected[0]


@pytest.fixture
def east(alice):
    return make_company(alice.tenant, "EAST", "East", parent=alice.company)


def test_the_first_company_is_the_working_company_until_one_is_picked(alice, east, login):
    """R7: with nothing picked, the working company is the first of the tree."""
    content = login(alice.admin).get(alice.url()).content.decode()
    assert str(alice.company.public_id) in _picked(content)


@pytest.mark.parametrize("path", PAGES)
def test_the_picked_company_is_shown_on_every_page(alice, east, login, path):
    """R7: after picking East, every page's top bar shows East as the working company."""
    client = login(alice.admin)
    client.post(alice.url("pick-company/"), {"company": str(east.public_id)})
    content = client.get(alice.url(path)).content.decode()
    assert str(east.public_id) in _picked(content)


def test_picking_returns_to_the_page_and_marks_the_company_in_the_list(alice, east, login):
    """R7: the picker sends the user back where they were; the list badges the working one."""
    client = login(alice.viewer)
    response = client.post(
        alice.url("pick-company/"),
        {"company": str(east.public_id), "next": alice.url("companies/")},
    )
    assert response["Location"] == alice.url("companies/")
    content = client.get(alice.url("companies/")).content.decode()
    row = content.split("<strong>East</strong>")[1].split("</td>")[0]
    assert "working" in row


def test_picking_refuses_an_offsite_next_url(alice, east, login):
    """R7: the picker's redirect stays on the site."""
    response = login(alice.viewer).post(
        alice.url("pick-company/"),
        {"company": str(east.public_id), "next": "https://evil.example.com/"},
    )
    assert response["Location"] == alice.url()


@pytest.mark.parametrize("value", ["", "not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_picking_an_unknown_or_malformed_id_is_not_found(alice, login, value):
    """R3, R7: a made-up company id answers 404 (never a server error)."""
    response = login(alice.viewer).post(alice.url("pick-company/"), {"company": value})
    assert response.status_code == 404


def test_add_child_link_with_a_malformed_parent_id_is_not_found(alice, login):
    """R3: ?parent= with something that is not a UUID is a 404, not a server error."""
    response = login(alice.admin).get(alice.url("companies/add/?parent=oops"))
    assert response.status_code == 404


def test_the_pick_is_kept_per_tenant(alice, bob, east, login):
    """R1, R7: picking in one tenant does not change the working company of another."""
    from companies.models import Role
    from tests.factories import make_membership

    make_membership(bob.tenant, alice.admin, Role.VIEWER)
    client = login(alice.admin)
    client.post(alice.url("pick-company/"), {"company": str(east.public_id)})
    assert str(bob.company.public_id) in _picked(client.get(bob.url()).content.decode())
    assert str(east.public_id) in _picked(client.get(alice.url()).content.decode())


def test_lists_use_the_working_company_and_its_descendants_when_asked(alice, east):
    """R7: working_companies() is the working company, or its reachable subtree when asked."""
    ny = make_company(alice.tenant, "NY", "New York", parent=east)
    make_company(alice.tenant, "WEST", "West", parent=alice.company)
    request = RequestFactory().get("/")
    with alice.scope():
        request.membership = Membership.objects.get(user=alice.viewer)
        request.working_company = east
        assert list(working_companies(request)) == [east]
        assert set(working_companies(request, include_descendants=True)) == {east, ny}
        request.working_company = None
        assert list(working_companies(request, include_descendants=True)) == []
