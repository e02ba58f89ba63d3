"""R53: `manage.py check_company_tree [--tenant SLUG] [--repair]` finds a corrupted tree and
repairs one tenant's tree without changing any other tenant's rows; mptt's rebuild is refused."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_scopes import scope

from companies.models import Company
from tests.companies.tree_checks import tree_problems as independent_check
from tests.factories import make_company


def _rows(world) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT * FROM companies_company WHERE tenant_id = %s ORDER BY id", [world.tenant.pk]
        )
        return cursor.fetchall()


def _check(*args) -> tuple[str, int]:
    out = io.StringIO()
    try:
        call_command("check_company_tree", *args, stdout=out)
    except CommandError as error:
        return out.getvalue() + str(error), error.returncode
    return out.getvalue(), 0


@pytest.fixture
def trees(alice, bob):
    a = make_company(alice.tenant, "A", "Alpha", parent=alice.company)
    make_company(alice.tenant, "A1", "Alpha One", parent=a)
    make_company(alice.tenant, "B", "Beta", parent=alice.company)
    make_company(bob.tenant, "BOB-1", "Bob One", parent=bob.company)
    return alice, bob


def _corrupt_like_a_rebuild(alice, bob):
    """What `Company.objects.rebuild()` in alice's scope did: alice's tree numbered as tree 1
    (bob's tree id here), its nested-set numbers scrambled."""
    with connection.cursor() as cursor:
        cursor.execute(
            """UPDATE companies_company SET tree_id = %s, lft = lft + 7,
                          rght = rght * 2, level = 0 WHERE tenant_id = %s""",
            [bob.company.tree_id, alice.tenant.pk],
        )


def test_consistent_trees_are_reported_consistent(trees):
    """R53: sound trees: every tenant reported consistent, exit status 0."""
    out, status = _check()
    assert status == 0 and "alice: consistent" in out and "bob: consistent" in out


def test_a_corrupted_tree_is_found_and_repaired_leaving_other_tenants_byte_identical(trees):
    """R53: a tree corrupted as mptt's rebuild did is reported (exit 1, the company and what
    is wrong), then repaired; bob's rows, whose tree id alice's tree had taken, stay
    byte-identical, and the trees pass an independent check afterwards."""
    alice, bob = trees
    _corrupt_like_a_rebuild(alice, bob)
    bob_before = _rows(bob)
    out, status = _check()
    assert status == 1 and "alice: inconsistent" in out and "bob: consistent" not in out
    assert f"ALICE-HQ: tree id {bob.company.tree_id} is shared with another tenant" in out
    assert "A1: tree" in out and "expected tree" in out
    out, status = _check("--tenant", alice.tenant.slug, "--repair")
    assert status == 0 and "alice: repaired, 4 companies changed." in out
    assert "alice: consistent" in out
    assert _rows(bob) == bob_before
    assert independent_check() == []
    assert _check()[1] == 0
    # The repaired tree takes normal writes again.
    with scope(tenant=alice.tenant.pk):
        a = Company.objects.get(code="A")
        make_company(alice.tenant, "A2", "Alpha Two", parent=a)
        assert [c.code for c in a.get_descendants()] == ["A1", "A2"]
    assert independent_check() == [] and _rows(bob) == bob_before


def test_repair_needs_one_tenant_and_a_known_slug(trees):
    """R53: --repair without --tenant, or an unknown slug, is refused with a message."""
    assert "give --tenant SLUG" in _check("--repair")[0]
    assert "No tenant with the slug 'nobody'" in _check("--tenant", "nobody")[0]


def test_mptt_rebuild_is_refused(trees):
    """R53: `Company.objects.rebuild()` (which renumbers tree ids from 1 across tenants) is
    refused and points at the repair command; nothing changes."""
    alice, bob = trees
    before = _rows(alice) + _rows(bob)
    with (
        scope(tenant=alice.tenant.pk),
        pytest.raises(NotImplementedError, match="check_company_tree"),
    ):
        Company.objects.rebuild()
    assert _rows(alice) + _rows(bob) == before
