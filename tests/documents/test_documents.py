"""Documents (R20, R21): upload with magic-byte checks, the address choice (R17, R18), the
effective exemption reason (R19), status changes in the history, detail, edit and download."""

import datetime
import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from customers.selectors import address_is_locked, main_address_is_locked
from documents.models import Document, DocumentStatus, DocumentType
from documents.selectors import document_history
from documents.services import documents as services
from tests.customers.helpers import make_address
from tests.factories import (
    JPEG_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    TIFF_BYTES,
    make_customer,
    make_document,
)

PNG, JPEG, TIFF = PNG_BYTES, JPEG_BYTES, TIFF_BYTES
HTML = b"<!doctype html><script>alert(document.cookie)</script>"


def upload_data(content=PDF_BYTES, name="certificate.pdf", **fields) -> dict:
    data = {
        "doc_type": DocumentType.EXEMPTION_CERTIFICATE,
        "regions": ["TX"],
        "exemption_reason": "",
        "signed_date": "2024-01-02",
        "effective_date": "2024-01-05",
        "expiration_date": "2027-01-04",
        "address": "",
    }
    data.update(fields)
    data["file"] = SimpleUploadedFile(name, content)
    return data


@pytest.fixture
def customer(alice):
    return make_customer(alice.company, "C-100", "Acme Buyer")


def create_url(world, customer):
    return world.url(f"customers/{customer.public_id}/documents/new/")


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize("doc_type", DocumentType.values)
@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (PDF_BYTES, "application/pdf"),
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (TIFF, "image/tiff"),
    ],
)
def test_upload_every_type_and_file_kind(alice, customer, login, doc_type, content, content_type):
    """R20: each document type, with a PDF, PNG, JPEG or TIFF file, is stored pending with its
    file under the tenant's prefix, original name, size, type and SHA-256."""
    response = login(alice.editor).post(
        create_url(alice, customer), upload_data(content, "scan.bin", doc_type=doc_type)
    )
    assert response.status_code == 302
    with alice.scope():
        document = Document.objects.get(customer=customer)
    assert document.doc_type == doc_type
    assert document.status == DocumentStatus.PENDING
    assert document.uploaded_by == alice.editor
    assert document.content_type == content_type
    assert document.original_name == "scan.bin"
    assert document.size == len(content)
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.file.name.startswith(f"tenants/{alice.tenant.public_id}/documents/")
    assert Path(document.file.path).read_bytes() == content
    assert response["Location"] == alice.url(f"documents/{document.public_id}/")


def test_upload_multistate_document(alice, customer, login):
    """R20: one document may cover several regions (a multistate form)."""
    login(alice.editor).post(create_url(alice, customer), upload_data(regions=["TX", "OK", "ON"]))
    with alice.scope():
        assert Document.objects.get(customer=customer).regions == ["TX", "OK", "ON"]


def test_html_file_named_pdf_is_refused(alice, customer, login):
    """R20: the bytes decide, not the name: an HTML file renamed .pdf is refused and nothing
    is stored."""
    response = login(alice.editor).post(
        create_url(alice, customer), upload_data(HTML, "certificate.pdf")
    )
    assert response.status_code == 200
    assert b"not a PDF, PNG, JPEG or TIFF" in response.content
    with alice.scope():
        assert not Document.objects.exists()
    assert stored_files() == []


def test_service_refuses_a_non_document_file(alice, customer):
    """R20: the service checks the bytes too, for callers other than the form."""
    with alice.scope(), pytest.raises(services.ValidationError):
        services.document_create(
            tenant=alice.tenant,
            customer=customer,
            actor=alice.editor,
            uploaded_file=SimpleUploadedFile("x.pdf", HTML),
            doc_type="exemption",
            regions=["TX"],
            effective_date=datetime.date(2024, 1, 1),
        )
    assert stored_files() == []


def test_expiration_before_effective_is_refused(alice, customer, login):
    """R20: the effective date cannot come after the expiration date."""
    response = login(alice.editor).post(
        create_url(alice, customer),
        upload_data(effective_date="2025-01-01", expiration_date="2024-12-31"),
    )
    assert b"cannot be before the effective date" in response.content
    with alice.scope():
        assert not Document.objects.exists()


def test_no_expiration_date_is_allowed(alice, customer, login):
    """R20: a document may have no expiration date."""
    login(alice.editor).post(create_url(alice, customer), upload_data(expiration_date=""))
    with alice.scope():
        assert Document.objects.get(customer=customer).expiration_date is None


def test_document_refers_to_an_active_address_and_locks_it(alice, customer, login):
    """R17, R18, R20: an active address may be chosen; the document then locks it."""
    with alice.scope():
        address = make_address(customer)
    login(alice.editor).post(
        create_url(alice, customer), upload_data(address=str(address.public_id))
    )
    with alice.scope():
        document = Document.objects.get(customer=customer)
        assert document.address == address
        assert address_is_locked(address)


def test_inactive_address_cannot_be_chosen(alice, customer, login):
    """R17: an inactive address cannot be chosen for a new document."""
    with alice.scope():
        address = make_address(customer, is_active=False)
    response = login(alice.editor).post(
        create_url(alice, customer), upload_data(address=str(address.public_id))
    )
    assert response.status_code == 200
    with alice.scope():
        assert not Document.objects.exists()


def test_main_address_choice_locks_the_main_address(alice, customer, login):
    """R18, R20: "main address" marks the document as using the customer's main address."""
    login(alice.editor).post(create_url(alice, customer), upload_data(address="main"))
    with alice.scope():
        document = Document.objects.get(customer=customer)
        assert document.uses_main_address and document.address is None
        assert main_address_is_locked(customer)


def test_exemption_reason_defaults_to_the_effective_setting(alice, login):
    """R19, R20: a blank exemption reason takes the customer's effective one, which the form
    names (it is not pre-filled: an address picked may have its own, R19)."""
    customer = make_customer(alice.company, "C-200", exemption_reason="E")
    client = login(alice.editor)
    form_page = client.get(create_url(alice, customer))
    assert b"The customer&#x27;s is E - Charitable" in form_page.content
    client.post(create_url(alice, customer), upload_data(exemption_reason=""))
    with alice.scope():
        assert Document.objects.get(customer=customer).exemption_reason == "E"


def test_status_changes_are_in_the_history(alice, customer, login):
    """R14, R21: who changed the status, from what to what, is in the document's history."""
    client = login(alice.editor)
    client.post(create_url(alice, customer), upload_data())
    with alice.scope():
        document = Document.objects.get(customer=customer)
        services.document_review(
            document=document, actor=alice.admin, valid=False, reason="Unsigned"
        )
        services.document_review(document=document, actor=alice.editor, valid=True)
        history = document_history(document)
    assert [entry["user"] for entry in history] == [alice.editor, alice.admin, alice.editor]
    assert ("Status", "Invalid", "Valid") in history[0]["changes"]
    assert ("Status", "Pending", "Invalid") in history[1]["changes"]
    assert ("Reason", "—", "Unsigned") in history[1]["changes"]
    assert history[2]["created"]
    page = client.get(alice.url(f"documents/{document.public_id}/"))
    assert b"Unsigned" in page.content and b"Status changed" in page.content


def test_void_from_the_document_page(alice, customer, login):
    """R21: a document can be voided; a voided one cannot be reviewed again."""
    document = make_document(customer, ["TX"], DocumentStatus.VALID)
    client = login(alice.editor)
    response = client.post(alice.url(f"documents/{document.public_id}/void/"))
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == DocumentStatus.VOIDED
    with alice.scope(), pytest.raises(services.ValidationError):
        services.document_review(document=document, actor=alice.editor, valid=True)


def test_expired_is_shown_for_a_valid_document_past_expiration(alice, customer, login):
    """R21: a valid document past its expiration date shows as expired."""
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    document = make_document(customer, ["TX"], expiration=yesterday)
    assert document.display_status == "expired"
    page = login(alice.viewer).get(alice.url(f"documents/{document.public_id}/"))
    assert b">Expired</span>" in page.content


def test_edit_changes_details_and_records_them(alice, customer, login):
    """R20: details can be corrected; the change is in the history."""
    document = make_document(customer, ["TX"], DocumentStatus.PENDING)
    response = login(alice.editor).post(
        alice.url(f"documents/{document.public_id}/edit/"),
        {
            "doc_type": "resale",
            "regions": ["TX", "LA"],
            "exemption_reason": "G",
            "effective_date": "2021-01-01",
            "expiration_date": "",
            "signed_date": "",
            "address": "",
        },
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.doc_type == "resale" and document.regions == ["TX", "LA"]
    with alice.scope():
        assert ("Regions", "TX", "TX, LA") in document_history(document)[0]["changes"]


def test_download_and_inline_preview(alice, customer, login):
    """R27: the file downloads as an attachment through the permission check; ?inline=1
    previews a PDF inline and may be framed by our own pages only."""
    login(alice.editor).post(create_url(alice, customer), upload_data())
    with alice.scope():
        document = Document.objects.get(customer=customer)
    client = login(alice.viewer)
    url = alice.url(f"documents/{document.public_id}/file/")
    download = client.get(url)
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF_BYTES
    inline = client.get(url + "?inline=1")
    assert inline["Content-Disposition"].startswith("inline")
    assert inline["X-Frame-Options"] == "SAMEORIGIN"


def test_add_document_from_the_list_finds_the_customer_by_number(alice, customer, login):
    """R20: "Add document" on the documents list asks for the customer number first."""
    client = login(alice.editor)
    response = client.get(alice.url("documents/new/"), {"number": " C-100 "})
    assert response["Location"] == create_url(alice, customer)
    missing = client.get(alice.url("documents/new/"), {"number": "NOPE"})
    assert b"No customer number NOPE" in missing.content


def test_document_over_50_mb_is_refused_before_it_is_stored(alice, customer, login):
    """R20, R25: a document file over 50 MB is refused with a message while it streams in;
    nothing is stored and no document is written."""
    from tests.documents.test_files import CAP, StreamedBody

    body = StreamedBody(
        filename="huge.pdf",
        size=CAP + 1,
        fields={"doc_type": "exemption", "regions": "TX", "effective_date": "2024-01-01"},
    )
    response = login(alice.editor).request(**body.environ(create_url(alice, customer)))
    assert response.status_code == 413
    assert "huge.pdf is larger than 50 MB." in response.content.decode()
    assert stored_files() == []
    with alice.scope():
        assert not Document.objects.exists()
