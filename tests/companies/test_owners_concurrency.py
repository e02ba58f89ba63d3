"""R2: two owners stepping down at the same moment leave the tenant with an owner."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django_scopes import scope

from companies import services
from companies.models import Membership, Role
from tests.factories import TenantFactory, UserFactory, make_membership

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("tree-threads")]


def _step_down(membership_pk, tenant_pk, barrier, outcomes):
    try:
        with scope(tenant=tenant_pk):
            membership = Membership.objects.get(pk=membership_pk)
            barrier.wait(timeout=30)
            services.membership_update(
                membership=membership, actor_membership=membership, role=Role.ADMIN
            )
        outcomes.append("stepped down")
    except ValidationError as error:
        outcomes.append(" ".join(error.messages))
    except Exception as error:  # a deadlock or anything else fails the test
        outcomes.append(repr(error))
    finally:
        connection.close()


@pytest.mark.parametrize("attempt", range(2))
def test_two_owners_stepping_down_at_once_leave_one_owner(attempt):
    """R2: the last-owner rule holds under concurrency: one owner steps down, the other is
    refused with the reason, and no deadlock."""
    tenant = TenantFactory()
    pks = [make_membership(tenant, UserFactory(), Role.OWNER).pk for _ in range(2)]
    barrier, outcomes = threading.Barrier(2), []
    threads = [
        threading.Thread(target=_step_down, args=(pk, tenant.pk, barrier, outcomes)) for pk in pks
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == [
        "A tenant needs at least one owner; make someone else owner first.",
        "stepped down",
    ]
    with scope(tenant=tenant.pk):
        assert Membership.objects.filter(role=Role.OWNER).count() == 1
