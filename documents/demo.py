"""Demo documents (R46): certificates in every status (valid, expired, expiring soon, pending,
invalid, voided) with small generated PDF and PNG files, for the demo customers; some customers
are left without a certificate so the exposure report has something to show."""

import datetime
import random
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from companies.history import history_context
from customers.models import CustomerKind
from documents.files import store_file
from documents.models import Document, DocumentStatus, DocumentType
from documents.services.documents import DOCUMENT_FOLDER

INVALID_REASONS = [
    "Not signed",
    "Wrong entity name",
    "Expired form version",
    "Missing exemption number",
]


def tiny_pdf(*lines: str) -> bytes:
    """A one-page PDF with a few lines of text, written by hand (valid xref offsets)."""
    text = " ".join(f"({line.replace('(', '[').replace(')', ']')}) Tj 0 -28 Td" for line in lines)
    stream = f"BT /F1 18 Tf 72 720 Td {text} ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def tiny_png(width: int = 240, height: int = 320) -> bytes:
    """A scanned-form look: a white page with a blue header band and grey text lines."""
    rows = []
    for y in range(height):
        if y < 36:
            pixel = b"\x1f\x5f\x8f"
        elif y > 60 and y % 24 in (0, 1, 2):
            pixel = b"\xb0\xb8\xc0"
        else:
            pixel = b"\xff\xff\xff"
        row = bytearray(pixel * width)
        row[:48] = b"\xff" * 48  # left margin
        rows.append(b"\x00" + bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


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
    # Comments, files and certificate requests build on the documents (imported here:
    # demo_notes uses this module's tiny files).
    from documents.demo_notes import load_notes

    return {"documents": documents, **(load_notes({**context, "documents": documents}) or {})}
