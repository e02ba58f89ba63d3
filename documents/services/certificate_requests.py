"""Writes of certificate requests (R28-R30): send one, resend, cancel, answer through the
public link, and request every missing certificate at once. Each is one transaction with its
history; the email goes from the worker once the transaction commits (`documents.tasks`). The
link's token and the writes the sending task makes are in `request_links`.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from certhub.errors import DomainError
from companies.history import history_context
from companies.models import Company, Tenant
from companies.tokens import new_token
from customers.models import Customer
from customers.regions import REGION_NAMES, split_regions
from documents.files import delete_stored_file
from documents.models import CertificateRequest, Document, RequestStatus
from documents.selectors import (
    OPEN_STATUSES,
    customers_without_open_request,
    email_choices,
    is_open,
    regions_to_request,
)
from documents.services.documents import document_create
from documents.services.request_links import link_history
from documents.tasks import send_certificate_request

DEFAULT_EXPIRY_DAYS = 14
MAX_EXPIRY_DAYS = 90


@dataclass(frozen=True)
class PublicUpload:
    """One file sent through a request's public link, with the details the page asks for."""

    file: UploadedFile
    doc_type: str
    regions: list[str]
    effective_date: datetime.date
    expiration_date: datetime.date | None = None


def _clean(*, regions: list[str], email: str, expires_in_days: int) -> tuple[list[str], str]:
    errors: dict[str, str] = {}
    regions = split_regions(" ".join(regions))
    unknown = [r for r in regions if r not in REGION_NAMES]
    if not regions:
        errors["regions"] = "Ask for at least one region."
    elif unknown:
        errors["regions"] = f"Unknown region: {', '.join(unknown)}."
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = "Give the email address the request goes to."
    if not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
        errors["expires_in_days"] = f"The link lasts from 1 to {MAX_EXPIRY_DAYS} days."
    if errors:
        raise DomainError(errors)
    return regions, email


def _check_active(customer: Customer) -> None:
    """R59: an inactive customer (no longer in the accounting system) is sent no requests."""
    if not customer.is_active:
        raise DomainError(
            f"{customer} is inactive: make it active again before asking it for documents."
        )


def _send_later(certificate_request: CertificateRequest, base_url: str) -> None:
    """Email the request from the worker once this transaction commits (R47)."""
    tenant_id, request_id = certificate_request.tenant_id, certificate_request.pk
    transaction.on_commit(
        lambda: send_certificate_request.enqueue(
            tenant_id=tenant_id, request_id=request_id, base_url=base_url
        )
    )


def certificate_request_create(
    *,
    tenant: Tenant,
    actor: User,
    customer: Customer,
    regions: list[str],
    email: str,
    message: str = "",
    base_url: str,
    expires_in_days: int = DEFAULT_EXPIRY_DAYS,
) -> CertificateRequest:
    """Ask a customer for documents; the email goes from the worker (R28, R47)."""
    _check_active(customer)
    regions, email = _clean(regions=regions, email=email, expires_in_days=expires_in_days)
    with transaction.atomic(), history_context(actor):
        certificate_request = CertificateRequest.objects.create(
            tenant=tenant,
            customer=customer,
            company_id=customer.company_id,
            regions=regions,
            email=email,
            message=message.strip(),
            sent_by=actor,
            # A placeholder until the sending task gives the link its token.
            token_hash=new_token()[1],
            expires_at=timezone.now() + datetime.timedelta(days=expires_in_days),
        )
        _send_later(certificate_request, base_url)
    return certificate_request


def _locked(certificate_request: CertificateRequest) -> CertificateRequest:
    return CertificateRequest.objects.select_for_update().get(pk=certificate_request.pk)


def _locked_unanswered(certificate_request: CertificateRequest, action: str) -> CertificateRequest:
    """The request, locked, if it is sent or opened (expired included), else a message."""
    certificate_request = _locked(certificate_request)
    if certificate_request.status not in OPEN_STATUSES:
        raise DomainError(
            f"A {certificate_request.get_status_display().lower()} request cannot be {action}."
        )
    return certificate_request


def certificate_request_resend(
    *,
    certificate_request: CertificateRequest,
    actor: User,
    base_url: str,
    expires_in_days: int = DEFAULT_EXPIRY_DAYS,
) -> CertificateRequest:
    """Send again with a new token and a new expiry; the old link stops working (R30)."""
    with transaction.atomic(), history_context(actor):
        certificate_request = _locked_unanswered(certificate_request, "resent")
        _check_active(certificate_request.customer)
        certificate_request.status = RequestStatus.SENT
        # The old link dies now, not when the email goes.
        certificate_request.token_hash = new_token()[1]
        certificate_request.expires_at = timezone.now() + datetime.timedelta(days=expires_in_days)
        certificate_request.opened_at = None
        certificate_request.sent_by = actor
        certificate_request.save(
            update_fields=["status", "token_hash", "expires_at", "opened_at", "sent_by"]
        )
        _send_later(certificate_request, base_url)
    return certificate_request


def certificate_request_cancel(
    *, certificate_request: CertificateRequest, actor: User
) -> CertificateRequest:
    """Cancel an open (or expired) request; its link stops working (R30)."""
    with transaction.atomic(), history_context(actor):
        certificate_request = _locked_unanswered(certificate_request, "cancelled")
        certificate_request.status = RequestStatus.CANCELLED
        certificate_request.save(update_fields=["status"])
    return certificate_request


def certificate_request_fulfil(
    *, certificate_request: CertificateRequest, uploads: list[PublicUpload]
) -> list[Document]:
    """Store what the customer uploaded as pending documents of the request's customer and mark
    the request fulfilled, all or nothing (R29). Each upload is a file with the basic fields
    (`PublicUpload`). Runs in the request's tenant scope (the public page's)."""
    if not uploads:
        raise DomainError("Choose at least one file.")
    documents: list[Document] = []
    try:
        with transaction.atomic(), history_context(**link_history(certificate_request)):
            locked = _locked(certificate_request)
            if not is_open(locked):
                raise DomainError("This request is no longer open.")
            for upload in uploads:
                documents.append(
                    document_create(
                        tenant=certificate_request.tenant,
                        customer=certificate_request.customer,
                        actor=None,
                        uploaded_file=upload.file,
                        doc_type=upload.doc_type,
                        regions=upload.regions,
                        effective_date=upload.effective_date,
                        expiration_date=upload.expiration_date,
                        certificate_request=locked,
                        history=link_history(certificate_request),
                    )
                )
            locked.status = RequestStatus.FULFILLED
            locked.fulfilled_at = timezone.now()
            locked.save(update_fields=["status", "fulfilled_at"])
    except BaseException:
        for document in documents:  # stored before a later one failed
            delete_stored_file(document)
        raise
    certificate_request.status = RequestStatus.FULFILLED
    return documents


def request_missing_certificates(
    *,
    tenant: Tenant,
    actor: User,
    companies: QuerySet[Company],
    base_url: str,
    message: str = "",
) -> tuple[list[CertificateRequest], list[Customer]]:
    """One request to every customer with exposure in these companies, for its exposed regions,
    skipping those with an open request and regions its pending documents answer (R30).
    Returns (sent, skipped for lack of an email)."""
    exposed = regions_to_request(tenant.pk, list(companies.values_list("pk", flat=True)))
    candidates = customers_without_open_request(list(exposed))
    customers = Customer.objects.filter(pk__in=candidates).order_by("company_id", "number")
    sent: list[CertificateRequest] = []
    no_email: list[Customer] = []
    with transaction.atomic():  # all or none; the emails queue once everything is written
        for customer in customers:
            emails = email_choices(customer)
            if not emails:
                no_email.append(customer)
                continue
            sent.append(
                certificate_request_create(
                    tenant=tenant,
                    actor=actor,
                    customer=customer,
                    regions=exposed[customer.pk],
                    email=emails[0][0],
                    message=message,
                    base_url=base_url,
                )
            )
    return sent, no_email
