"""R47: background work runs through django-tasks' database backend and a worker command."""

import re
import signal

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

# The worker commits and closes its connection, as in production: a real transaction here.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_tasks(settings):
    """The production task backend instead of the tests' immediate one."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def keep_signal_handlers():
    # The worker installs, then resets, its own SIGINT/SIGTERM handlers; give pytest its own back.
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def test_password_reset_email_is_queued_then_sent_by_the_worker(
    alice, client, database_tasks, keep_signal_handlers
):
    """R47: the request only queues the email (a row in the database); `manage.py db_worker
    --batch` sends it and records the task as done."""
    response = client.post("/accounts/password/reset/", {"email": alice.viewer.email})
    assert response.status_code == 302
    assert mail.outbox == []
    queued = DBTaskResult.objects.get()
    assert queued.status == "READY"
    assert queued.task_path == "accounts.tasks.send_password_reset"

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [alice.viewer.email]
    assert re.search(r"/accounts/password/reset/\S+/", mail.outbox[0].body)
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
    assert queued.return_value == 1
