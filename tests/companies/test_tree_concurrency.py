"""Concurrent writes to one tenant's tree are serialised, so the tree is never corrupted (R6).

Each thread has its own database connection and commits for real (transaction=True); the
trees are then compared with a fresh recomputation from the parent links.
"""

import contextlib
import random
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_scopes import scope, scopes_disabled

from companies import services
from companies.models import Company
from tests.companies.tree_checks import tree_problems
from tests.factories import TenantFactory, make_company

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("tree-threads")]

THREADS = 4
OPERATIONS = 12


def _worker(tenant, seed: int, errors: list, barrier: threading.Barrier):
    rng = random.Random(seed)
    try:
        barrier.wait(timeout=30)
        with scope(tenant=tenant.pk):
            for n in range(OPERATIONS):
                ids = list(Company.objects.values_list("pk", flat=True))
                if n % 3 == 2:
                    company = Company.objects.get(pk=rng.choice(ids))
                    target = Company.objects.get(pk=rng.choice(ids))
                    # Under itself or a descendant is refused, as it should be.
                    with contextlib.suppress(ValidationError):
                        services.company_move(
                            company=company, new_parent=None if n % 4 == 0 else target
                        )
                else:
                    parent = Company.objects.filter(pk=rng.choice(ids)).first()
                    services.company_create(
                        tenant=tenant, name=f"T{seed}-{n}", code=f"T{seed}-{n}", parent=parent
                    )
    except Exception as error:  # reported by the test, not lost in the thread
        errors.append(repr(error))
    finally:
        connection.close()


def test_concurrent_adds_and_moves_keep_every_tree_sound():
    """R6: threads adding and moving companies in one tenant at the same time, while another
    tenant creates roots, leave consistent trees (lft/rght/level, one root per tree, no tree id
    shared between tenants)."""
    busy = TenantFactory(slug="busy")
    other = TenantFactory(slug="other")
    root = make_company(busy, "ROOT", "Root")
    for n in range(3):
        make_company(busy, f"SEED{n}", f"Seed {n}", parent=root)

    errors: list[str] = []
    barrier = threading.Barrier(THREADS + 1)
    threads = [
        threading.Thread(target=_worker, args=(busy, seed, errors, barrier))
        for seed in range(THREADS)
    ]
    threads.append(threading.Thread(target=_roots, args=(other, errors, barrier)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    with scopes_disabled():
        created = Company.objects.filter(tenant=busy, code__startswith="T").count()
        busy_trees = set(Company.objects.filter(tenant=busy).values_list("tree_id", flat=True))
        other_trees = set(Company.objects.filter(tenant=other).values_list("tree_id", flat=True))
    assert created == THREADS * (OPERATIONS - OPERATIONS // 3)
    assert len(other_trees) == OPERATIONS
    assert busy_trees.isdisjoint(other_trees)
    assert tree_problems() == []


def _roots(tenant, errors: list, barrier: threading.Barrier):
    try:
        barrier.wait(timeout=30)
        with scope(tenant=tenant.pk):
            for n in range(OPERATIONS):
                services.company_create(tenant=tenant, name=f"Root {n}", code=f"R{n}")
    except Exception as error:
        errors.append(repr(error))
    finally:
        connection.close()


def test_the_check_catches_a_corrupted_tree(db):
    """R6: the recomputation used above does see a broken tree (so its silence means
    something)."""
    tenant = TenantFactory(slug="broken")
    root = make_company(tenant, "ROOT", "Root")
    make_company(tenant, "KID", "Kid", parent=root)
    assert tree_problems() == []
    with scopes_disabled():
        Company.objects.filter(pk=root.pk).update(rght=99)
    assert any("expected" in problem for problem in tree_problems())
