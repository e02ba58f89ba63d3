"""Invitation emails go from the worker (R47, R50)."""

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from companies.invitations import invitation_mark_sent
from companies.tenant_tasks import tenant_task


@tenant_task()
def send_invitation(*, tenant_id: int, invitation_id: int, base_url: str) -> bool:
    """Give the invitation a fresh link token and email it; nothing if it was revoked,
    accepted or has expired meanwhile. The token exists only here and in the email."""
    marked = invitation_mark_sent(invitation_id=invitation_id)
    if marked is None:
        return False
    invitation, token = marked
    link = base_url.rstrip("/") + reverse("invitation_accept", kwargs={"token": token})
    context = {"invitation": invitation, "tenant": invitation.tenant, "link": link}
    subject = render_to_string("emails/invitation_subject.txt", context)
    EmailMessage(
        subject=" ".join(subject.split()),
        body=render_to_string("emails/invitation_body.txt", context),
        to=[invitation.email],
    ).send()
    return True
