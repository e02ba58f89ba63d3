"""Demo documents (R46): certificates in every status (valid, expired, expiring soon, pending,
invalid, voided) with small generated PDF and PNG files, for the demo customers; some customers
are left without a certificate so the exposure report has something to show."""

import datetime
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from companies.history import history_context
from customers.models import CustomerKind
from documents.demo_files import tiny_pdf, tiny_png
from documents.demo_notes import load_notes
from documents.files import store_file
from documents.models import Document, DocumentStatus, DocumentType
from documents.services.documents import DOCUMENT_FOLDER

INVALID_REASONS = [
    "Not signed",
    "Wrong entity name",
    "Expired form version",
    "Missing exemption number",
]


def _plan(rng, index: int, today: datetime.date):
    """(status, effective, expiration, reason) for the n-th documented customer: a mix of
    every status, most of them valid."""
    year = datetime.timedelta(days=365)
    kind = index % 12
    if kind == 0:
        return DocumentStatus.PENDING, today - datetime.timedelta(days=rng.randint(0, 20)), None, ""
    if kind == 1:  # expired
        return (
            DocumentStatus.VALID,
            today - 3 * year,
            today - datetime.timedelta(days=rng.randint(1, 200)),
            "",
        )
    if kind == 2:  # expiring soon
        return (
            DocumentStatus.VALID,
            today - 2 * year,
            today + datetime.timedelta(days=rng.randint(3, 25)),
            "",
        )
    if kind == 3:
        return DocumentStatus.INVALID, today - year, None, rng.choice(INVALID_REASONS)
    if kind == 4:
        return DocumentStatus.VOIDED, today - 2 * year, today + year, "Replaced by a newer form"
    return (
        DocumentStatus.VALID,
        today - datetime.timedelta(days=rng.randint(30, 900)),
        rng.choice([None, today + datetime.timedelta(days=rng.randint(60, 1400))]),
        "",
    )


def load(context) -> dict:
    rng = random.Random(20240602)
    tenant, users = context["tenant"], context["users"]
    today, now = timezone.localdate(), timezone.now()
    billing = [c for c in context.get("customers", []) if c.kind == CustomerKind.BILL_TO]
    zones = {}
    for customer in billing:
        zones[customer.pk] = sorted(customer.zones.values_list("region", flat=True))
    documented = [c for c in billing if zones[c.pk] and rng.random() < 0.7]
    documents, plans = [], []
    for index, customer in enumerate(documented):
        status, effective, expiration, reason = _plan(rng, index, today)
        regions = zones[customer.pk] if rng.random() < 0.75 else zones[customer.pk][:1]
        doc_type = rng.choice(
            [DocumentType.EXEMPTION_CERTIFICATE] * 3
            + [DocumentType.RESALE_CERTIFICATE, DocumentType.OTHER]
        )
        document = Document(
            tenant=tenant,
            customer=customer,
            company_id=customer.company_id,
            doc_type=doc_type,
            regions=regions,
            exemption_reason=customer.exemption_reason or "G",
            signed_date=effective - datetime.timedelta(days=3),
            effective_date=effective,
            expiration_date=expiration,
            uploaded_by=users["editor"],
            uses_main_address=rng.random() < 0.3,
        )
        if index % 3:
            content = tiny_pdf(
                "Certificate of exemption",
                customer.name1,
                f"Customer {customer.number}",
                f"Regions: {', '.join(regions)}",
                f"Effective {effective}",
            )
            name = f"certificate-{customer.number}.pdf"
        else:
            content, name = tiny_png(), f"scan-{customer.number}.png"
        store_file(
            document, SimpleUploadedFile(name, content), tenant=tenant, folder=DOCUMENT_FOLDER
        )
        documents.append(document)
        plans.append((status, reason))
    with history_context(users["editor"], source="demo"):
        documents = Document.objects.bulk_create(documents)
    # Reviews after the uploads, so each document's history shows its status change (R21).
    with history_context(users["owner"], source="demo"):
        for status in (DocumentStatus.VALID, DocumentStatus.INVALID, DocumentStatus.VOIDED):
            for reason in {r for s, r in plans if s == status}:
                ids = [
                    d.pk
                    for d, (s, r) in zip(documents, plans, strict=True)
                    if s == status and r == reason
                ]
                Document.objects.filter(pk__in=ids).update(
                    status=status, status_reason=reason, reviewed_by=users["owner"], reviewed_at=now
                )
    # Comments, files and certificate requests build on the documents.
    return {"documents": documents, **(load_notes({**context, "documents": documents}) or {})}
