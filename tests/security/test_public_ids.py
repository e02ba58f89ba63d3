"""R3: pages and posts carry opaque public ids, never sequential database ids: the company
choices of the app's forms (new company's parent, move, members' companies) included."""

import re

from companies.models import Company, Invitation
from tests.factories import make_company


def _option_values(html: str) -> set[str]:
    return set(re.findall(r'<(?:option|input)[^>]*\bvalue="([^"]*)"', html))


def test_company_choices_are_public_ids(alice, login):
    """R3: the parent, move and member forms offer companies by public id only."""
    east = make_company(alice.tenant, "EAST", "East", parent=alice.company)
    client = login(alice.owner)
    for path in ("companies/add/", f"companies/{east.public_id}/", "members/add/"):
        values = _option_values(client.get(alice.url(path)).content.decode())
        assert str(alice.company.public_id) in values, path
        assert str(alice.company.pk) not in values and str(east.pk) not in values, path


def test_forms_take_public_ids_and_refuse_database_ids(alice, login):
    """R3: a company posted by its public id is taken; by its database id it is refused."""
    client = login(alice.owner)
    refused = client.post(
        alice.url("companies/add/"), {"parent": alice.company.pk, "name": "By pk", "code": "BY-PK"}
    )
    assert refused.status_code == 200
    taken = client.post(
        alice.url("members/add/"),
        {
            "email": "limited@example.com",
            "role": "viewer",
            "companies": [str(alice.company.public_id)],
        },
    )
    assert taken.status_code == 302
    with alice.scope():
        assert not Company.objects.filter(code="BY-PK").exists()
        invited = Invitation.objects.get(email="limited@example.com")
        assert list(invited.companies.all()) == [alice.company]
