"""R48: operators provision tenants and companies from the command line."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django_scopes import scope, scopes_disabled

from companies.models import Company, Membership, Role, Tenant
from tests.factories import UserFactory


def _run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_create_tenant_creates_the_owner_and_prints_a_one_time_password(db):
    """R48: create_tenant makes the tenant, a new owner account, its owner membership, and
    prints a one-time password that logs in."""
    output = _run(
        "create_tenant", "initech", "--name", "Initech", "--owner", "Bill@Initech.example"
    )
    tenant = Tenant.objects.get(slug="initech")
    assert tenant.name == "Initech"
    password = re.search(r"one-time password: (\S+)", output).group(1)
    owner = get_user_model().objects.get(email="bill@initech.example")
    assert owner.check_password(password)
    with scope(tenant=tenant.pk):
        assert Membership.objects.get(user=owner).role == Role.OWNER


def test_create_tenant_with_an_existing_user_prints_no_password(db):
    """R48: an existing account becomes the owner; its password is left alone."""
    user = UserFactory(email="peter@example.com")
    output = _run("create_tenant", "initech", "--name", "Initech", "--owner", user.email)
    assert "password" not in output.replace("already had an account", "")
    assert "already had an account" in output
    with scopes_disabled():
        assert Membership.objects.get(user=user, tenant__slug="initech").role == Role.OWNER


@pytest.mark.parametrize(
    ("slug", "owner", "message"),
    [
        ("alice", "x@example.com", "already exists"),
        ("Not A Slug!", "x@example.com", "slug"),
        ("fresh", "not-an-email", "valid email"),
    ],
)
def test_create_tenant_refuses_bad_input(alice, slug, owner, message):
    """R48: a taken or malformed slug or a malformed email is a CommandError; nothing is
    created."""
    with pytest.raises(CommandError, match=message):
        _run("create_tenant", slug, "--name", "X", "--owner", owner)
    assert Tenant.objects.count() == 1
    assert not get_user_model().objects.filter(email=owner).exists()


def test_create_company_as_root_and_under_a_parent(alice):
    """R48: create_company adds a root, or a child with --parent CODE."""
    output = _run(
        "create_company", "--tenant", "alice", "EAST", "--name", "East", "--parent", "ALICE-HQ"
    )
    assert "Created East (EAST) under Alice HQ." in output
    _run("create_company", "--tenant", "alice", "LAB", "--name", "Lab")
    with alice.scope():
        assert Company.objects.get(code="EAST").parent_id == alice.company.pk
        assert Company.objects.get(code="LAB").is_root_node()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tenant", "nope", "X", "--name", "X"], "No tenant with the slug 'nope'"),
        (
            ["--tenant", "alice", "X", "--name", "X", "--parent", "BOB-HQ"],
            "No company with the code 'BOB-HQ'",
        ),
        (["--tenant", "alice", "alice-hq", "--name", "Again"], "already used"),
    ],
)
def test_create_company_refuses_unknown_tenant_parent_or_taken_code(alice, bob, args, message):
    """R48: an unknown tenant, a parent of another tenant or unknown, a taken code: each a
    CommandError, nothing written."""
    with pytest.raises(CommandError, match=message):
        _run("create_company", *args)
    with alice.scope():
        assert Company.objects.count() == 1


# --- the scoped shell (R4) ----------------------------------------------------------------------


def test_tenant_shell_runs_in_the_tenants_scope(alice, bob, capsys):
    """R4: `tenant_shell --tenant SLUG` gives Django's shell (with its model imports) inside
    that tenant's scope: it counts that tenant's companies and no other's, and names it
    `tenant`."""
    from tests.factories import make_company

    make_company(bob.tenant, "BOB-2", "Bob two")
    code = "print(tenant.slug, Company.objects.count(), Customer.objects.count())"
    call_command("tenant_shell", "--tenant", "alice", "-v", "0", "--command", code)
    call_command("tenant_shell", "--tenant", "bob", "-v", "0", "--command", code)
    assert capsys.readouterr().out.splitlines() == ["alice 1 0", "bob 2 0"]


def test_tenant_shell_refuses_an_unknown_tenant(db):
    """R4: the shell opens in a tenant's scope or not at all."""
    with pytest.raises(CommandError, match="No tenant with the slug 'nope'"):
        call_command("tenant_shell", "--tenant", "nope", "--command", "print(1)")
