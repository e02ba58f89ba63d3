"""R60: every page that waits on background work says plainly when no worker has been seen for
a minute, and says nothing while one is alive."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope

from documents.models import ExposureExport
from imports.models import ImportBatch, Status
from workers import heartbeat
from workers.models import WorkerBeat

pytestmark = pytest.mark.django_db

NOTICE = 'data-testid="no-worker"'


def _pages(alice):
    with scope(tenant=alice.tenant.pk):
        batch = ImportBatch.objects.create(
            tenant=alice.tenant,
            company=alice.company,
            status=Status.APPLYING,
            original_name="a.xlsx",
        )
        export = ExposureExport.objects.create(
            tenant=alice.tenant, company=alice.company, requested_by=alice.admin
        )
    return [
        alice.url(f"imports/{batch.public_id}/"),
        alice.url(f"exposure/exports/{export.public_id}/"),
        alice.url("requests/"),
        alice.url(),
    ]


def test_pages_that_wait_warn_when_no_worker_was_seen_for_a_minute(alice, login):
    """R60: with no worker (none ever, or the last beat over a minute ago), the batch page, the
    exposure export, the requests page and the admins' dashboard show the warning with what to
    do; a viewer's dashboard does not."""
    client = login(alice.admin)
    pages = _pages(alice)
    for url in pages:
        page = client.get(url).content.decode()
        assert NOTICE in page and "python manage.py db_worker" in page, url
    WorkerBeat.objects.create(
        worker_id="w1",
        host="elsewhere",
        pid=1,
        started_at=timezone.now(),
        beat_at=timezone.now() - timedelta(seconds=61),
    )
    for url in pages:
        assert "none has been seen since" in client.get(url).content.decode(), url
    assert NOTICE not in login(alice.viewer).get(alice.url()).content.decode()


def test_no_warning_while_a_worker_is_alive(alice, login):
    """R60: while a worker beats, none of those pages warns (nor offers "Mark failed")."""
    heartbeat.beat("w1")
    client = login(alice.admin)
    for url in _pages(alice):
        page = client.get(url).content.decode()
        assert NOTICE not in page, url
        assert "Mark failed" not in page


def test_admin_lists_workers_and_their_last_beat(alice, login):
    """R44, R60: the Django admin lists the workers (host, pid, last beat) to superusers; a
    tenant's staff admin does not see them (workers serve every tenant)."""
    from tests.factories import UserFactory

    heartbeat.beat("w-listed")
    operator = UserFactory(email="operator@example.com", is_staff=True, is_superuser=True)
    page = login(operator).get("/admin/workers/workerbeat/").content.decode()
    assert "w-listed" in page and heartbeat.HOST in page
    alice.admin.is_staff = True
    alice.admin.save()
    assert login(alice.admin).get("/admin/workers/workerbeat/").status_code == 403
