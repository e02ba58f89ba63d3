"""The History tab (R14, R54): every event of a customer, its addresses, contacts, their phones
and emails, its zones and links, its comments and files (and those of its documents), with who,
when, what and each field's old and new value; an entry made by an import or its undo names and
links that batch.

The rows are written by pghistory's triggers (so bulk writes are there too); this reads them
with pghistory's `Events` aggregate, which computes each update's diff in SQL.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils.text import capfirst
from pghistory.models import Events

from companies.models import Company
from customers.models import Customer

# Bookkeeping columns not worth showing as changes; the owner ids are named in the subject.
HIDDEN_FIELDS = {
    "id",
    "tenant_id",
    "public_id",
    "created_at",
    "updated_at",
    "pgh_obj_id",
    "customer_id",
    "address_id",
    "contact_id",
    "billing_id",
    "shipping_id",
    # a comment's or file's: its entry names the kind; the stored name is internal
    "document_id",
    "author_id",
    "kind",
    "file",
    "sha256",
    "content_type",
}
SUBJECTS = {
    "customers.CustomerEvent": "Customer",
    "customers.AddressEvent": "Address",
    "customers.ContactEvent": "Contact",
    "customers.ContactChannelEvent": "Phone/email",
    "customers.ShipToZoneEvent": "Ship-to zone",
    "customers.ShipToLinkEvent": "Ship-to link",
    "documents.NoteEvent": "Comment",
}
NOTE_EVENT = "documents.NoteEvent"
ACTIONS = {"insert": "added", "update": "changed", "delete": "deleted"}


@dataclass
class Change:
    field: str
    old: object
    new: object


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    action: str
    subject: str
    changes: list[Change] = field(default_factory=list)
    batch: object = None  # the ImportBatch that made the change (R54), when one did
    undo: bool = False  # made by undoing that batch


def _events(customer: Customer) -> list:
    """Raw pghistory events touching the customer, newest first (four small queries)."""

    def owners(event_label: str, model_label: str) -> list:
        ids = (
            apps.get_model(event_label)
            .objects.filter(customer_id=customer.pk)
            .values_list("pgh_obj_id", flat=True)
            .distinct()
        )
        return [apps.get_model(model_label)(pk=pk) for pk in set(ids)]

    events = list(
        Events.objects.references(customer).across(
            "customers.CustomerEvent",
            "customers.AddressEvent",
            "customers.ContactEvent",
            "customers.ShipToZoneEvent",
            "customers.ShipToLinkEvent",
            NOTE_EVENT,
        )
    )
    # Phones and emails hang on addresses and contacts, comments and files on documents too.
    for event_label, model_label, owner_events in (
        ("customers.AddressEvent", "customers.Address", "customers.ContactChannelEvent"),
        ("customers.ContactEvent", "customers.Contact", "customers.ContactChannelEvent"),
        ("documents.DocumentEvent", "documents.Document", NOTE_EVENT),
    ):
        found = owners(event_label, model_label)
        if found:
            events += list(Events.objects.references(found).across(owner_events))
    events.sort(key=lambda e: (e.pgh_created_at, e.pgh_id), reverse=True)
    return events


def _batch_public_id(context: dict | None) -> str | None:
    context = context or {}
    return context.get("import_batch") or context.get("batch")


def _who(context: dict | None, users: dict) -> str:
    context = context or {}
    if context.get("user") in users:
        return users[context["user"]]
    if _batch_public_id(context):
        return f"import batch {_batch_public_id(context)}"
    if context.get("request") or context.get("certificate_request"):
        return "certificate request link"
    if context.get("url"):
        return "web request"
    return "system"


def _subject(event, numbers: dict) -> str:
    data = event.pgh_data or {}
    label = SUBJECTS.get(event.pgh_model, event.pgh_model)
    if event.pgh_model == "customers.AddressEvent":
        return f"{label} {data.get('label') or data.get('line1', '')}".strip()
    if event.pgh_model == "customers.ContactEvent":
        return f"{label} {data.get('name', '')}"
    if event.pgh_model == "customers.ContactChannelEvent":
        return f"{label} {data.get('value', '')}"
    if event.pgh_model == NOTE_EVENT:
        if data.get("kind") == "file":
            label = "File"
        return f"{label} {data.get('original_name') or data.get('text', '')[:60]}".strip()
    if event.pgh_model == "customers.ShipToZoneEvent":
        return f"{label} {data.get('region', '')}"
    if event.pgh_model == "customers.ShipToLinkEvent":
        billing, shipping = data.get("billing_id"), data.get("shipping_id")
        return (
            f"{label} {numbers.get(billing, billing)} → "
            f"{numbers.get(shipping, shipping)} (billing → shipping)"
        )
    return label


def _fields(event_label: str) -> list[tuple[str, str]]:
    """(column, label) of the tracked model's fields, in the model's order."""
    model = apps.get_model(event_label).pgh_tracked_model
    return [
        (f.attname, capfirst(f.verbose_name))
        for f in model._meta.concrete_fields
        if f.attname not in HIDDEN_FIELDS
    ]


def _changes(event, companies: dict) -> list[Change]:
    def shown(name, value):
        if isinstance(value, bool):
            return "yes" if value else "no"
        return companies.get(value, value) if name == "company_id" else value

    data, diff = event.pgh_data or {}, event.pgh_diff or {}
    changes = []
    for name, label in _fields(event.pgh_model):
        if event.pgh_label == "update":
            if name in diff:
                old, new = diff[name]
                changes.append(Change(label, shown(name, old), shown(name, new)))
        elif data.get(name) not in ("", None):
            value = shown(name, data[name])
            changes.append(
                Change(label, None, value)
                if event.pgh_label == "insert"
                else Change(label, value, None)
            )
    return changes


def customer_history(customer: Customer) -> list[HistoryEntry]:
    events = _events(customer)
    user_ids = {user for e in events if (user := (e.pgh_context or {}).get("user")) is not None}
    users = {u.pk: u.display_name for u in get_user_model().objects.filter(pk__in=user_ids)}
    customer_ids = set()
    for event in events:
        if event.pgh_model == "customers.ShipToLinkEvent":
            customer_ids |= {event.pgh_data.get("billing_id"), event.pgh_data.get("shipping_id")}
    numbers = dict(
        Customer.objects.filter(pk__in=customer_ids - {None}).values_list("pk", "number")
    )
    company_ids = set()
    for event in events:
        if event.pgh_model == "customers.CustomerEvent":
            company_ids |= {
                event.pgh_data.get("company_id"),
                *(event.pgh_diff or {}).get("company_id", []),
            }
    companies = dict(Company.objects.filter(pk__in=company_ids - {None}).values_list("pk", "name"))
    batch_ids = {batch for e in events if (batch := _batch_public_id(e.pgh_context)) is not None}
    batches: dict[str | None, Any] = (
        {
            str(b.public_id): b
            for b in apps.get_model("imports", "ImportBatch").objects.filter(
                public_id__in=batch_ids
            )
        }
        if batch_ids
        else {}
    )
    return [
        HistoryEntry(
            when=event.pgh_created_at,
            who=_who(event.pgh_context, users),
            action=ACTIONS.get(event.pgh_label, event.pgh_label),
            subject=_subject(event, numbers),
            changes=_changes(event, companies),
            batch=batches.get(_batch_public_id(event.pgh_context)),
            undo=bool((event.pgh_context or {}).get("undo")),
        )
        for event in events
    ]
