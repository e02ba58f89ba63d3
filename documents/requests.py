"""Certificate requests (R28-R30): reads and every write.

The link's token is made by the task that sends the email, and only its SHA-256 is stored, so
the token is never written anywhere but the email: not in the request row, not in the task
queue. Sending (or resending) therefore always gives the request a new token, and an older
link stops working.
"""

import datetime
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from companies.history import history_context
from companies.models import Company, Tenant
from companies.tenancy import reachable_companies_q
from customers.models import ChannelKind, ContactChannel, Customer
from customers.regions import REGION_NAMES, split_regions
from documents.models import CertificateRequest, Document, DocumentStatus, RequestStatus

DEFAULT_EXPIRY_DAYS = 14
MAX_EXPIRY_DAYS = 90
TOKEN_BYTES = 32
EXPIRED = "expired"
OPEN_STATUSES = (RequestStatus.SENT, RequestStatus.OPENED)
DISPLAY_STATUSES = [
    (RequestStatus.SENT, "Sent"),
    (RequestStatus.OPENED, "Opened"),
    (RequestStatus.FULFILLED, "Fulfilled"),
    (EXPIRED, "Expired"),
    (RequestStatus.CANCELLED, "Cancelled"),
]


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """(token for the link, its hash for the database)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, hash_token(token)


# --- reads -------------------------------------------------------------------------------------


def display_status(request: CertificateRequest, now: datetime.datetime | None = None) -> str:
    """What a user sees: an open request past its expiry is "expired" (R30)."""
    now = now or timezone.now()
    if request.status in OPEN_STATUSES and request.expires_at <= now:
        return EXPIRED
    return request.status


def is_open(request: CertificateRequest, now: datetime.datetime | None = None) -> bool:
    return display_status(request, now) in OPEN_STATUSES


def open_requests_q(now: datetime.datetime | None = None, prefix: str = "") -> Q:
    return Q(
        **{f"{prefix}status__in": OPEN_STATUSES, f"{prefix}expires_at__gt": now or timezone.now()}
    )


def with_display_status(requests: QuerySet, status: str) -> QuerySet:
    """Filter by the status a user sees."""
    now = timezone.now()
    if status == EXPIRED:
        return requests.filter(status__in=OPEN_STATUSES, expires_at__lte=now)
    if status in OPEN_STATUSES:
        return requests.filter(status=status, expires_at__gt=now)
    return requests.filter(status=status)


def visible_requests(membership) -> QuerySet[CertificateRequest]:
    return CertificateRequest.objects.filter(reachable_companies_q(membership, "company__"))


def get_request(request, public_id) -> CertificateRequest:
    """A request the user may see, else 404 (R3)."""
    return get_object_or_404(
        visible_requests(request.membership).select_related("customer"), public_id=public_id
    )


def email_choices(customer: Customer) -> list[tuple[str, str]]:
    """The customer's email and its contacts' (and addresses') email channels (R28)."""
    choices = []
    if customer.email:
        choices.append((customer.email, f"{customer.email} (customer)"))
    # An inactive address's emails are not offered (R17).
    channels = (
        ContactChannel.objects.filter(
            Q(contact__customer=customer) | Q(address__customer=customer, address__is_active=True),
            kind=ChannelKind.EMAIL,
        )
        .select_related("contact", "address")
        .order_by("value")
    )
    for channel in channels:
        owner = channel.contact.name if channel.contact_id else f"address {channel.address}"
        label = f"{channel.value} ({owner}{', ' + channel.label if channel.label else ''})"
        if channel.value.lower() not in {value.lower() for value, _ in choices}:
            choices.append((channel.value, label))
    return choices


def pending_regions(company_ids: list[int]) -> dict[int, set[str]]:
    """{customer id: regions of its pending documents} in these companies: asked and answered,
    waiting for review, so not asked for again (R30)."""
    answered: dict[int, set[str]] = {}
    rows = Document.objects.filter(company_id__in=company_ids, status=DocumentStatus.PENDING)
    for customer_id, regions in rows.values_list("customer_id", "regions"):
        answered.setdefault(customer_id, set()).update(regions)
    return answered


def regions_to_request(
    tenant_id: int, company_ids: list[int], customer_id: int | None = None
) -> dict[int, list[str]]:
    """{customer id: regions still to ask for}: its exposed regions (R23) less those its pending
    documents cover; customers with nothing left are left out (R30)."""
    from documents.coverage import Scope, exposed_customers

    exposed = exposed_customers(Scope(tenant_id, company_ids, customer_id))
    answered = pending_regions(company_ids)
    wanted = {}
    for pk, regions in exposed:
        left = [r for r in regions if r not in answered.get(pk, ())]
        if left:
            wanted[pk] = left
    return wanted


def requested_regions(customer: Customer) -> list[str]:
    """The default regions of a request: what the customer is exposed in and has not already
    answered with a pending document (R28, R30)."""
    wanted = regions_to_request(customer.tenant_id, [customer.company_id], customer.pk)
    return wanted.get(customer.pk, [])


def find_by_token(token: str) -> CertificateRequest | None:
    """The request a public link points at, whatever its tenant. The token is the only key:
    nothing else about the request is asked of or shown to the visitor (R28)."""
    with scopes_disabled():
        return (
            CertificateRequest.objects.select_related("tenant", "customer", "company")
            .filter(token_hash=hash_token(token))
            .first()
        )


# --- writes ------------------------------------------------------------------------------------


def _clean(*, regions, email: str, expires_in_days: int) -> tuple[list[str], str]:
    errors = {}
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
        raise ValidationError(errors)
    return regions, email


def _check_active(customer: Customer) -> None:
    """R59: an inactive customer (no longer in the accounting system) is sent no requests."""
    if not customer.is_active:
        raise ValidationError(
            f"{customer} is inactive: make it active again before asking it for documents."
        )


def _send_later(request: CertificateRequest, base_url: str) -> None:
    from documents.tasks import send_certificate_request

    tenant_id, request_id = request.tenant_id, request.pk
    transaction.on_commit(
        lambda: send_certificate_request.enqueue(
            tenant_id=tenant_id, request_id=request_id, base_url=base_url
        )
    )


def request_create(
    *,
    tenant: Tenant,
    actor,
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
        request = CertificateRequest.objects.create(
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
        _send_later(request, base_url)
    return request


def _locked(request: CertificateRequest) -> CertificateRequest:
    return CertificateRequest.objects.select_for_update().get(pk=request.pk)


def _locked_unanswered(request: CertificateRequest, action: str) -> CertificateRequest:
    """The request, locked, if it is sent or opened (expired included), else a message."""
    request = _locked(request)
    if request.status not in OPEN_STATUSES:
        raise ValidationError(
            f"A {request.get_status_display().lower()} request cannot be {action}."
        )
    return request


def request_resend(
    *, request: CertificateRequest, actor, base_url: str, expires_in_days: int = DEFAULT_EXPIRY_DAYS
) -> CertificateRequest:
    """Send again with a new token and a new expiry; the old link stops working (R30)."""
    with transaction.atomic(), history_context(actor):
        request = _locked_unanswered(request, "resent")
        _check_active(request.customer)
        request.status = RequestStatus.SENT
        request.token_hash = new_token()[1]  # the old link dies now, not when the email goes
        request.expires_at = timezone.now() + datetime.timedelta(days=expires_in_days)
        request.opened_at = None
        request.sent_by = actor
        request.save(update_fields=["status", "token_hash", "expires_at", "opened_at", "sent_by"])
        _send_later(request, base_url)
    return request


def request_cancel(*, request: CertificateRequest, actor) -> CertificateRequest:
    """Cancel an open (or expired) request; its link stops working (R30)."""
    with transaction.atomic(), history_context(actor):
        request = _locked_unanswered(request, "cancelled")
        request.status = RequestStatus.CANCELLED
        request.save(update_fields=["status"])
    return request


def request_mark_sent(*, request_id: int, tenant_id: int) -> tuple[CertificateRequest, str] | None:
    """For the sending task: a fresh token for an open request; None if it is no longer open."""
    with (
        scope(tenant=tenant_id),
        transaction.atomic(),
        history_context(task="send_certificate_request"),
    ):
        request = (
            CertificateRequest.objects.select_for_update(of=("self",))
            .select_related("tenant", "customer", "company")
            .filter(pk=request_id)
            .first()
        )
        if request is None or not is_open(request):
            return None
        token, request.token_hash = new_token()
        request.sent_at = timezone.now()
        request.save(update_fields=["token_hash", "sent_at"])
    return request, token


def link_history(request: CertificateRequest) -> dict:
    """The history context of writes made through a request's public link (R14)."""
    return {"certificate_request": str(request.public_id), "via": "request link"}


def request_mark_opened(*, request: CertificateRequest) -> None:
    """The first visit of the public page marks a sent request opened (R30)."""
    if request.status != RequestStatus.SENT:
        return
    with (
        scope(tenant=request.tenant_id),
        transaction.atomic(),
        history_context(**link_history(request)),
    ):
        updated = CertificateRequest.objects.filter(
            pk=request.pk, status=RequestStatus.SENT
        ).update(status=RequestStatus.OPENED, opened_at=timezone.now())
    if updated:
        request.status = RequestStatus.OPENED


def request_fulfil(*, request: CertificateRequest, uploads: list[dict]) -> list:
    """Store what the customer uploaded as pending documents of the request's customer and
    mark the request fulfilled, all or nothing (R29). Each upload is a dict of the file and
    the basic fields: doc_type, regions, effective_date, expiration_date."""
    from documents.services import document_create

    if not uploads:
        raise ValidationError("Choose at least one file.")
    documents = []
    with scope(tenant=request.tenant_id):
        try:
            with transaction.atomic(), history_context(**link_history(request)):
                locked = _locked(request)
                if not is_open(locked):
                    raise ValidationError("This request is no longer open.")
                for upload in uploads:
                    documents.append(
                        document_create(
                            tenant=request.tenant,
                            customer=request.customer,
                            actor=None,
                            uploaded_file=upload["file"],
                            doc_type=upload["doc_type"],
                            regions=upload["regions"],
                            effective_date=upload["effective_date"],
                            expiration_date=upload.get("expiration_date"),
                            certificate_request=locked,
                            history=link_history(request),
                        )
                    )
                locked.status = RequestStatus.FULFILLED
                locked.fulfilled_at = timezone.now()
                locked.save(update_fields=["status", "fulfilled_at"])
        except BaseException:
            from documents.files import delete_stored_file

            for document in documents:  # stored before a later one failed
                delete_stored_file(document)
            raise
    request.status = RequestStatus.FULFILLED
    return documents


def customers_without_open_request(customer_ids: list[int]) -> list[int]:
    busy = set(
        CertificateRequest.objects.filter(
            open_requests_q(), customer_id__in=customer_ids
        ).values_list("customer_id", flat=True)
    )
    return [pk for pk in customer_ids if pk not in busy]


def request_missing(
    *, tenant: Tenant, actor, companies: QuerySet[Company], base_url: str, message: str = ""
) -> tuple[list[CertificateRequest], list[Customer]]:
    """One request to every customer with exposure in these companies, for its exposed
    regions, skipping those with an open request and regions its pending documents answer
    (R30). Returns (sent, skipped for lack of an email)."""
    exposed = regions_to_request(tenant.pk, list(companies.values_list("pk", flat=True)))
    candidates = customers_without_open_request(list(exposed))
    customers = Customer.objects.filter(pk__in=candidates).order_by("company_id", "number")
    sent, no_email = [], []
    with transaction.atomic():  # all or none; the emails queue once everything is written
        for customer in customers:
            emails = email_choices(customer)
            if not emails:
                no_email.append(customer)
                continue
            sent.append(
                request_create(
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
