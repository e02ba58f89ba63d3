"""Demo comments, files and certificate requests (R46), on top of documents/demo.py.

Call `load_notes(context)` after documents.demo.load, inside the demo tenant's scope. Demo
request links are not emailed, so their tokens are thrown away: the list shows every status,
but no demo link opens.
"""

import datetime
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from companies.history import history_context
from companies.tokens import new_token
from customers.models import ChannelKind, ContactChannel
from documents.demo_files import tiny_pdf, tiny_png
from documents.files import store_file
from documents.models import CertificateRequest, DocumentStatus, Note, NoteKind, RequestStatus
from documents.services.notes import NOTES_FOLDER

COMMENTS = [
    "Called AP: the renewal is with their legal team, expected next week.",
    "Customer says the TX certificate covers all their warehouses.",
    "Emailed a reminder about the expiring certificate.",
    "Signature page was missing; asked for a complete copy.",
    "Multistate form received by post; scanned and attached.",
    "Buyer changed: new contact is in the Addresses & Contacts tab.",
]


def _note(tenant, author, target, created, **fields) -> Note:
    on = {"document": target} if hasattr(target, "doc_type") else {"customer": target}
    return Note(tenant=tenant, author=author, created_at=created, **on, **fields)


def _file_note(tenant, author, target, created, name: str, content: bytes) -> Note:
    note = _note(tenant, author, target, created, kind=NoteKind.FILE)
    store_file(note, SimpleUploadedFile(name, content), tenant=tenant, folder=NOTES_FOLDER)
    return note


def _notes(rng, tenant, users, customers, documents, now) -> list[Note]:
    authors = [users["editor"], users["owner"]]
    notes = []
    for index, customer in enumerate(customers[:40]):
        created = now - datetime.timedelta(days=rng.randint(1, 120), minutes=index)
        notes.append(
            _note(
                tenant,
                rng.choice(authors),
                customer,
                created,
                kind=NoteKind.COMMENT,
                text=rng.choice(COMMENTS),
            )
        )
        if index % 4 == 0:
            notes.append(
                _file_note(
                    tenant,
                    rng.choice(authors),
                    customer,
                    created,
                    f"correspondence-{customer.number}.pdf",
                    tiny_pdf("Letter", customer.name1, "Re: exemption"),
                )
            )
    for index, document in enumerate(documents[:25]):
        created = now - datetime.timedelta(days=rng.randint(0, 60), minutes=index)
        if document.status == DocumentStatus.INVALID:
            text = f"Marked invalid: {document.status_reason or 'see review'}."
        else:
            text = rng.choice(COMMENTS)
        notes.append(
            _note(tenant, rng.choice(authors), document, created, kind=NoteKind.COMMENT, text=text)
        )
        if index % 5 == 0:
            notes.append(
                _file_note(
                    tenant,
                    users["editor"],
                    document,
                    created,
                    f"page-2-{document.customer.number}.png",
                    tiny_png(),
                )
            )
    return notes


def _email(customer, channels) -> str:
    return customer.email or channels.get(customer.pk, "")


def _requests(rng, tenant, users, customers, documents, now) -> list[CertificateRequest]:
    channels = dict(
        ContactChannel.objects.filter(
            kind=ChannelKind.EMAIL, contact__customer__in=customers
        ).values_list("contact__customer_id", "value")
    )
    asked = [c for c in customers if _email(c, channels) and c.zones.exists()][:30]
    plan = [
        RequestStatus.SENT,
        RequestStatus.OPENED,
        RequestStatus.SENT,
        "expired",
        RequestStatus.CANCELLED,
        RequestStatus.FULFILLED,
    ]
    pending = [d for d in documents if d.status == DocumentStatus.PENDING]
    certificate_requests = []
    for index, customer in enumerate(asked):
        status = plan[index % len(plan)]
        sent = now - datetime.timedelta(
            days=rng.randint(1, 30) + (20 if status == "expired" else 0)
        )
        certificate_request = CertificateRequest(
            tenant=tenant,
            customer=customer,
            company_id=customer.company_id,
            regions=list(customer.zones.values_list("region", flat=True))[:3],
            email=_email(customer, channels),
            token_hash=new_token()[1],
            status=RequestStatus.SENT if status == "expired" else status,
            message="Please send your current exemption certificate.",
            sent_by=users["editor"],
            sent_at=sent,
            expires_at=sent + datetime.timedelta(days=14),
        )
        if status in (RequestStatus.OPENED, RequestStatus.FULFILLED):
            opened = sent + datetime.timedelta(hours=rng.randint(1, 48))
            certificate_request.opened_at = opened
            if status == RequestStatus.FULFILLED:
                certificate_request.fulfilled_at = opened + datetime.timedelta(minutes=10)
        certificate_requests.append(certificate_request)
    certificate_requests = CertificateRequest.objects.bulk_create(certificate_requests)
    # Fulfilled certificate_requests point at pending documents of their customer, as uploads would.
    for certificate_request in certificate_requests:
        match = next((d for d in pending if d.customer_id == certificate_request.customer_id), None)
        if certificate_request.status == RequestStatus.FULFILLED and match is not None:
            type(match).objects.filter(pk=match.pk).update(certificate_request=certificate_request)
    return certificate_requests


def load_notes(context) -> dict:
    rng = random.Random(20240603)
    tenant, users = context["tenant"], context["users"]
    customers = list(context.get("customers", []))
    documents = list(context.get("documents", []))
    now = timezone.now()
    with history_context(users["editor"], source="demo"):
        notes = _notes(rng, tenant, users, customers, documents, now)
        when = [note.created_at for note in notes]
        notes = Note.objects.bulk_create(notes)
        # auto_now_add stamped them all now; spread them over the last months again.
        for note, created in zip(notes, when, strict=True):
            note.created_at = note.updated_at = created
        Note.objects.bulk_update(notes, ["created_at", "updated_at"])
        requests = _requests(rng, tenant, users, customers, documents, now)
    return {"notes": notes, "requests": requests}
