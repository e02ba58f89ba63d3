"""R47 and account safety: the password reset link is a key to the account for days, so it is
made by the worker and never stored in the task queue (as certificate request tokens, R28)."""

import json
import re

from django.core import mail
from django_tasks_db.models import DBTaskResult

from accounts.tasks import send_password_reset


def test_reset_token_is_not_stored_in_the_task_queue(alice, client, settings):
    """R47: the queued task holds the user's id, not the link or its token; the worker's email
    carries a link that works."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    response = client.post("/accounts/password/reset/", {"email": alice.viewer.email})
    assert response.status_code == 302
    queued = DBTaskResult.objects.get()
    stored = json.dumps(queued.args_kwargs)
    assert "password/reset/" not in stored and "token" not in stored
    assert queued.args_kwargs["kwargs"]["user_id"] == alice.viewer.pk

    send_password_reset.call(**queued.args_kwargs["kwargs"])  # what the worker does
    link = re.search(
        r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[-1].body
    ).group(1)
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert token not in stored
    assert client.get(link).status_code == 302  # to the set-password form
    assert mail.outbox[-1].to == [alice.viewer.email]


def test_reset_of_a_deactivated_user_sends_nothing(alice):
    """R47: a user deactivated after asking gets no link from the worker."""
    alice.viewer.is_active = False
    alice.viewer.save(update_fields=["is_active"])
    sent = send_password_reset.call(
        user_id=alice.viewer.pk,
        domain="testserver",
        site_name="testserver",
        protocol="http",
        subject_template_name="emails/password_reset_subject.txt",
        email_template_name="emails/password_reset_body.txt",
    )
    assert sent == 0 and mail.outbox == []
