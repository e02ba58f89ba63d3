"""The public link of a certificate request (R28-R30): its token, the lookup by token, and the
writes made for the link (sending it, its first opening).

The link's token is made by the task that sends the email, and only its SHA-256 is stored, so
the token is never written anywhere but the email: not in the request row, not in the task
queue. Sending (or resending) therefore always gives the request a new token, and an older
link stops working. `documents.tasks` calls these; this module never enqueues anything.
"""

from django.db import transaction
from django.utils import timezone

from companies.history import history_context
from companies.tokens import hash_token, new_token
from documents.models import CertificateRequest, RequestStatus
from documents.selectors import is_open


def find_by_token(token: str) -> CertificateRequest | None:
    """The request a public link points at, whatever its tenant. The token is the only key:
    nothing else about the request is asked of or shown to the visitor (R28)."""
    return (
        CertificateRequest.objects.with_scopes_disabled()
        .select_related("tenant", "customer", "company")
        .filter(token_hash=hash_token(token))
        .first()
    )


def link_history(certificate_request: CertificateRequest) -> dict[str, str]:
    """The history context of writes made through a request's public link (R14)."""
    return {"certificate_request": str(certificate_request.public_id), "via": "request link"}


def certificate_request_mark_sent(
    *, certificate_request_id: int
) -> tuple[CertificateRequest, str] | None:
    """For the sending task (in the tenant's scope): a fresh token for an open request, as
    (request, token); None if it is no longer open."""
    with transaction.atomic(), history_context(task="send_certificate_request"):
        certificate_request = (
            CertificateRequest.objects.select_for_update(of=("self",))
            .select_related("tenant", "customer", "company")
            .filter(pk=certificate_request_id)
            .first()
        )
        if certificate_request is None or not is_open(certificate_request):
            return None
        token, certificate_request.token_hash = new_token()
        certificate_request.sent_at = timezone.now()
        certificate_request.save(update_fields=["token_hash", "sent_at"])
    return certificate_request, token


def certificate_request_mark_opened(*, certificate_request: CertificateRequest) -> None:
    """The first visit of the public page marks a sent request opened (R30); in the request's
    tenant scope (the page's)."""
    if certificate_request.status != RequestStatus.SENT:
        return
    with transaction.atomic(), history_context(**link_history(certificate_request)):
        updated = CertificateRequest.objects.filter(
            pk=certificate_request.pk, status=RequestStatus.SENT
        ).update(status=RequestStatus.OPENED, opened_at=timezone.now())
    if updated:
        certificate_request.status = RequestStatus.OPENED
