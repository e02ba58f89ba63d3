"""Reads of documents for views and other apps: always within the companies a user reaches."""

import datetime

from django.db.models import Case, F, Func, IntegerField, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from companies.models import EXEMPTION_REASONS, Company, Tenant
from companies.tenancy import reachable_companies_q, working_companies
from documents.coverage import Scope
from documents.models import Document, DocumentStatus, DocumentType


def visible_documents(request) -> QuerySet[Document]:
    """Documents of the companies the membership reaches (R2, R3)."""
    return Document.objects.filter(reachable_companies_q(request.membership, "company__"))


def get_document(request, public_id) -> Document:
    """A document the user may see, else 404 exactly as for one that does not exist (R3)."""
    return get_object_or_404(
        visible_documents(request).select_related(
            "customer", "company", "address", "reviewed_by", "uploaded_by"
        ),
        public_id=public_id,
    )


def working_documents(request, include_descendants: bool = True) -> QuerySet[Document]:
    """Documents of the working company (and its reachable descendants when asked) (R7)."""
    companies = working_companies(request, include_descendants)
    return Document.objects.filter(company__in=companies)


def working_scope(request) -> Scope:
    """The coverage question for the working company and its reachable descendants (R23)."""
    ids = list(working_companies(request, include_descendants=True).values_list("pk", flat=True))
    return Scope(request.tenant.pk, ids)


def review_queue(request) -> QuerySet[Document]:
    """Pending documents of the working company and its descendants, oldest first (R21)."""
    return (
        working_documents(request)
        .filter(status=DocumentStatus.PENDING)
        .select_related("customer", "company")
        .order_by("created_at", "id")
    )


def next_pending(request, *, after: Document | None = None) -> Document | None:
    """The oldest pending document left in the queue, skipping `after`."""
    queue = review_queue(request)
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


def with_days_left(documents: QuerySet[Document], on: datetime.date) -> QuerySet[Document]:
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
) -> QuerySet[Document]:
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
    "exemption_reason": dict(EXEMPTION_REASONS),
}


def _history_value(name: str, value, addresses: dict) -> str:
    if value is None or value == "":
        return "—"
    if name == "address_id":
        return str(addresses.get(value, "an address no longer kept"))
    if name == "regions":
        return ", ".join(value)
    if name in _LABELS:
        return _LABELS[name].get(value, value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def document_history(document: Document) -> list[dict]:
    """The document's history, newest first: when, who, and each changed field's old and new
    value, status changes included (R14, R21). Events are written by database triggers."""
    from django.contrib.auth import get_user_model

    from customers.models import Address

    events = list(
        Document.pgh_event_model.objects.filter(pgh_obj_id=document.pk)
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
