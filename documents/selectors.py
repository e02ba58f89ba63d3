"""Reads of documents, comments and files, and certificate requests, for views and other apps:
always within the companies a membership reaches. They take the membership or a
`companies.tenancy.Workspace` (the membership and its working company), never the HTTP request."""

import datetime
from typing import TYPE_CHECKING, TypedDict, TypeVar, cast
from uuid import UUID

from django.contrib.auth import get_user_model
from django.db.models import Case, F, Func, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from companies.history import event_model
from companies.models import Company, ExemptionReason, Membership, Tenant
from companies.tenancy import Workspace, reachable_companies_q
from customers.models import Address, ChannelKind, ContactChannel, Customer
from documents.coverage import Scope, exposed_customers
from documents.models import (
    EXPIRED,
    CertificateRequest,
    Document,
    DocumentQuerySet,
    DocumentStatus,
    DocumentType,
    Note,
    RequestStatus,
    ShownStatus,
)

if TYPE_CHECKING:  # django-stubs' helper, installed with the test dependencies
    from django_stubs_ext import WithAnnotations


class DaysLeft(TypedDict):
    days_left: int  # expiration date - the day asked about, in days


class ExpiringSoon(DaysLeft):
    window_days: int  # its effective "expiring soon" window (R19)


# --- documents ---------------------------------------------------------------------------------


def visible_documents(membership: Membership) -> DocumentQuerySet:
    """Documents of the companies the membership reaches (R2, R3)."""
    return Document.objects.filter(reachable_companies_q(membership, "company__"))


def get_document(membership: Membership, public_id: UUID | str) -> Document:
    """A document the user may see, else 404 exactly as for one that does not exist (R3)."""
    return get_object_or_404(
        visible_documents(membership).select_related(
            "customer", "company", "address", "reviewed_by", "uploaded_by"
        ),
        public_id=public_id,
    )


def working_documents(workspace: Workspace, include_descendants: bool = True) -> DocumentQuerySet:
    """Documents of the working company (and its reachable descendants when asked) (R7)."""
    return Document.objects.filter(company__in=workspace.companies(include_descendants))


def working_scope(workspace: Workspace) -> Scope:
    """The coverage question for the working company and its reachable descendants (R23)."""
    companies = workspace.companies(include_descendants=True)
    return Scope(workspace.tenant_id, list(companies.values_list("pk", flat=True)))


def review_queue(workspace: Workspace) -> QuerySet[Document]:
    """Pending documents of the working company and its descendants, oldest first (R21)."""
    return (
        working_documents(workspace)
        .filter(status=DocumentStatus.PENDING)
        .select_related("customer", "company")
        .order_by("created_at", "id")
    )


def next_pending(workspace: Workspace, *, after: Document | None = None) -> Document | None:
    """The oldest pending document left in the queue, skipping `after`."""
    queue = review_queue(workspace)
    if after is not None:
        queue = queue.exclude(pk=after.pk)
    return queue.first()


def expiring_soon_days_by_company(tenant: Tenant) -> dict[int, int]:
    """The "expiring soon" window of every company of a tenant, resolved through its ancestors
    nearest first, then the tenant default (R19). One query; trees are small."""
    days: dict[int, int] = {}
    companies = Company.objects.filter(tenant=tenant).order_by("tree_id", "lft")
    for pk, parent_id, own in companies.values_list("pk", "parent_id", "expiring_soon_days"):
        # Parents come before children in tree order, so the parent's value is known.
        inherited = days.get(parent_id, tenant.default_expiring_soon_days)
        days[pk] = own if own is not None else inherited
    return days


def with_days_left(
    documents: QuerySet[Document], on: datetime.date
) -> "QuerySet[WithAnnotations[Document, DaysLeft]]":
    return documents.annotate(
        days_left=Func(
            F("expiration_date"),
            Value(on),
            template="(%(expressions)s)",
            arg_joiner=" - ",
            output_field=IntegerField(),
        )
    )


def expiring_soon(
    documents: QuerySet[Document], *, tenant: Tenant, on: datetime.date | None = None
) -> "QuerySet[WithAnnotations[Document, ExpiringSoon]]":
    """Valid documents whose expiration falls within their effective "expiring soon" window:
    address, then customer, then company and ancestors, then the tenant (R19). Set-based: the
    window is a per-row expression, so this filters and counts in the database."""
    on = on or timezone.localdate()
    company_days = expiring_soon_days_by_company(tenant)
    by_company = Case(
        *[When(company_id=pk, then=Value(days)) for pk, days in company_days.items()],
        default=Value(tenant.default_expiring_soon_days),
        output_field=IntegerField(),
    )
    window = Coalesce(
        "address__expiring_soon_days",
        "customer__expiring_soon_days",
        by_company,
        output_field=IntegerField(),
    )
    return (
        with_days_left(documents.filter(status=DocumentStatus.VALID, expiration_date__gte=on), on)
        .annotate(window_days=window)
        .filter(days_left__lte=F("window_days"))
    )


# Fields shown in a document's history, in the order of the form.
HISTORY_FIELDS = {
    "status": "Status",
    "status_reason": "Reason",
    "doc_type": "Type",
    "regions": "Regions",
    "exemption_reason": "Exemption reason",
    "signed_date": "Signed",
    "effective_date": "Effective",
    "expiration_date": "Expires",
    "address_id": "Address",
    "uses_main_address": "Main address",
    "original_name": "File",
}


_LABELS = {
    "status": dict(DocumentStatus.choices),
    "doc_type": dict(DocumentType.choices),
    "exemption_reason": dict(ExemptionReason.choices),
}


def _history_value(name: str, value: object, addresses: dict) -> str:
    if value is None or value == "":
        return "—"
    if name == "address_id":
        return str(addresses.get(value, "an address no longer kept"))
    if name == "regions":
        return ", ".join(cast(list[str], value))
    if name in _LABELS:
        return _LABELS[name].get(str(value), str(value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def document_history(document: Document) -> list[dict]:
    """The document's history, newest first: when, who, and each changed field's old and new
    value, status changes included (R14, R21). Events are written by database triggers."""
    events = list(
        event_model(Document)
        .objects.filter(pgh_obj_id=document.pk)
        .select_related("pgh_context")
        .order_by("pgh_id")
    )
    user_ids = {(e.pgh_context.metadata or {}).get("user") for e in events if e.pgh_context}
    users = get_user_model().objects.in_bulk([pk for pk in user_ids if pk])
    addresses = Address.objects.in_bulk({e.address_id for e in events if e.address_id})
    entries, previous = [], None
    for event in events:
        metadata = (event.pgh_context.metadata or {}) if event.pgh_context else {}
        changed = [
            name
            for name in HISTORY_FIELDS
            if previous is None or getattr(previous, name) != getattr(event, name)
        ]
        if previous is None:  # the upload: list what was filled in
            changed = [name for name in changed if getattr(event, name) not in (None, "", False)]
        elif not changed:
            continue
        entries.append(
            {
                "at": event.pgh_created_at,
                "created": previous is None,
                "user": users.get(metadata.get("user")),
                "status_changed": previous is None or previous.status != event.status,
                "changes": [
                    (
                        HISTORY_FIELDS[name],
                        None
                        if previous is None
                        else _history_value(name, getattr(previous, name), addresses),
                        _history_value(name, getattr(event, name), addresses),
                    )
                    for name in changed
                ],
            }
        )
        previous = event
    return entries[::-1]


# --- comments and files (R24-R27) -------------------------------------------------------


def visible_notes(membership: Membership) -> QuerySet[Note]:
    """Entries on customers (or their documents) of the companies the membership reaches (R3)."""
    on_customer = reachable_companies_q(membership, "customer__company__")
    on_document = reachable_companies_q(membership, "document__customer__company__")
    return Note.objects.filter(
        (Q(customer__isnull=False) & on_customer) | (Q(document__isnull=False) & on_document)
    )


def get_note(membership: Membership, public_id: UUID | str) -> Note:
    """An entry the user may see, else 404 exactly as for one that does not exist (R3)."""
    return get_object_or_404(
        visible_notes(membership).select_related("author", "customer", "document"),
        public_id=public_id,
    )


def notes_of(target: Customer | Document) -> QuerySet[Note]:
    """The entries of one customer or document, newest first, with their authors."""
    field = "document" if isinstance(target, Document) else "customer"
    return Note.objects.filter(**{field: target}).select_related("author")


# --- certificate requests (R28-R30) ------------------------------------------------------

OPEN_STATUSES = (RequestStatus.SENT, RequestStatus.OPENED)
# The statuses a user sees, in the order of a request's life: an open request past its expiry
# shows as expired (R30).
REQUEST_DISPLAY_STATUSES = [
    (status.value, status.label)
    for status in (
        RequestStatus.SENT,
        RequestStatus.OPENED,
        RequestStatus.FULFILLED,
        ShownStatus.EXPIRED,
        RequestStatus.CANCELLED,
    )
]


def display_status(
    certificate_request: CertificateRequest, now: datetime.datetime | None = None
) -> str:
    """What a user sees: an open request past its expiry is "expired" (R30)."""
    now = now or timezone.now()
    if certificate_request.status in OPEN_STATUSES and certificate_request.expires_at <= now:
        return EXPIRED
    return certificate_request.status


def is_open(certificate_request: CertificateRequest, now: datetime.datetime | None = None) -> bool:
    return display_status(certificate_request, now) in OPEN_STATUSES


def open_requests_q(now: datetime.datetime | None = None, prefix: str = "") -> Q:
    return Q(
        **{f"{prefix}status__in": OPEN_STATUSES, f"{prefix}expires_at__gt": now or timezone.now()}
    )


_Requests = TypeVar("_Requests", bound=QuerySet[CertificateRequest])


def with_display_status(certificate_requests: _Requests, status: str) -> _Requests:
    """Filter by the status a user sees."""
    now = timezone.now()
    if status == EXPIRED:
        return certificate_requests.filter(status__in=OPEN_STATUSES, expires_at__lte=now)
    if status in OPEN_STATUSES:
        return certificate_requests.filter(status=status, expires_at__gt=now)
    return certificate_requests.filter(status=status)


def visible_certificate_requests(membership: Membership) -> QuerySet[CertificateRequest]:
    """Requests of the companies the membership reaches (R3)."""
    return CertificateRequest.objects.filter(reachable_companies_q(membership, "company__"))


def get_certificate_request(membership: Membership, public_id: UUID | str) -> CertificateRequest:
    """A request the user may see, else 404 (R3)."""
    return get_object_or_404(
        visible_certificate_requests(membership).select_related("customer"), public_id=public_id
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
        owner = channel.contact.name if channel.contact else f"address {channel.address}"
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


def customers_without_open_request(customer_ids: list[int]) -> list[int]:
    busy = set(
        CertificateRequest.objects.filter(
            open_requests_q(), customer_id__in=customer_ids
        ).values_list("customer_id", flat=True)
    )
    return [pk for pk in customer_ids if pk not in busy]
