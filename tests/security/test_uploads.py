"""R56: uploads are refused before their body is read when the link or the role says no, one
request is capped in total, and the public page's rate limit (in the database, shared by every
web process) never stops a valid link from working. R55: document files must parse as their
type."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from documents.forms import MAX_FILES
from documents.models import CertificateRequest, Document, DocumentStatus, Note, RequestStatus
from documents.services import documents as services
from imports.models import ImportBatch
from security.models import EventKind, RateCounter, SecurityEvent
from tests.factories import JPEG_BYTES, PDF_BYTES, PNG_BYTES, make_customer, make_document
from tests.security import objects
from tests.security.objects import Place
from tests.streamed_upload import CAP, MB, StreamedBody, files_in, upload_temp  # noqa: F401

HTML_BEHIND_PDF = b"%PDF-1.7\n<html><body><script>alert(document.cookie)</script></body></html>\n"


@pytest.fixture
def customer(alice):
    return make_customer(alice.company, "UP-1", "Upload Customer")


@pytest.fixture
def token(alice):
    return objects.open_link(Place(alice, alice.company, alice.editor))


def _public_data(files: list) -> dict:
    """The public page's post: its one multiple-file input and the details the files share."""
    data = {
        "files": files,
        "doc_type": "exemption",
        "regions": "TX",
        "effective_date": "2024-01-01",
    }
    return data


def _nothing_stored(tmp_path, upload_temp):  # noqa: F811
    assert files_in(tmp_path / "media") == []
    assert files_in(upload_temp) == []


# --- before the body is read -------------------------------------------------------------------


def test_public_page_refuses_a_large_body_with_a_bad_token_without_reading_it(
    db,
    tmp_path,
    upload_temp,  # noqa: F811
):
    """R56: a 600 MB upload to an unknown link answers 404 without a byte of its body read,
    let alone written; the attempt is in the security log (R52)."""
    body = StreamedBody(filename="huge.pdf", size=600 * MB)
    response = Client().request(**body.environ("/r/not-a-real-token/"))
    assert response.status_code == 404
    assert body.consumed == 0
    _nothing_stored(tmp_path, upload_temp)
    assert (
        SecurityEvent.objects.with_scopes_disabled().filter(kind=EventKind.UNKNOWN_LINK).count()
        == 1
    )


def test_public_page_refuses_a_closed_link_without_reading_the_body(
    alice,
    token,
    tmp_path,
    upload_temp,  # noqa: F811
):
    """R56: a cancelled link answers 410 before its body is read."""
    with alice.scope():
        CertificateRequest.objects.update(status=RequestStatus.CANCELLED)
    body = StreamedBody(filename="cert.pdf", size=5 * MB)
    response = Client().request(**body.environ(f"/r/{token}/"))
    assert response.status_code == 410
    assert body.consumed == 0
    _nothing_stored(tmp_path, upload_temp)


def test_one_request_is_capped_at_its_files_count_times_50_mb(alice, token, tmp_path, upload_temp):  # noqa: F811
    """R56: a body over MAX_FILES x 50 MB (and the form's small allowance) to a valid link is
    refused with 413 from its length alone: nothing is read or stored."""
    body = StreamedBody(filename="cert.pdf", size=MAX_FILES * CAP + 2 * MB)
    response = Client().request(**body.environ(f"/r/{token}/"))
    assert response.status_code == 413
    assert "at most 10 files of 50 MB each" in response.content.decode()
    assert body.consumed == 0
    _nothing_stored(tmp_path, upload_temp)
    with alice.scope():
        assert not Document.objects.exists()


@pytest.mark.parametrize("path", ["documents", "comments", "imports"])
def test_a_viewers_upload_is_refused_before_any_byte_is_stored(
    path,
    alice,
    customer,
    login,
    tmp_path,
    upload_temp,  # noqa: F811
):
    """R56: a viewer's upload to each upload page (a document, a comment's file, a workbook)
    answers 403 before its body is read: no byte stored, not even in a temporary file."""
    url = {
        "documents": alice.url(f"customers/{customer.public_id}/documents/new/"),
        "comments": alice.url(f"customers/{customer.public_id}/comments/"),
        "imports": alice.url("imports/"),
    }[path]
    body = StreamedBody(filename="upload.pdf", size=20 * MB, head=PDF_BYTES)
    response = login(alice.viewer).request(**body.environ(url))
    assert response.status_code == 403
    assert body.consumed == 0
    _nothing_stored(tmp_path, upload_temp)
    with alice.scope():
        assert not Document.objects.exists() and not Note.objects.exists()
        assert not ImportBatch.objects.exists()


# --- the public page's rate limit ---------------------------------------------------------------


def test_a_valid_link_works_after_100_bad_tokens_from_the_same_address(alice, token):
    """R56: 100 unknown links from one address get 404 and then 429, yet the valid link from
    that address opens and takes an upload; the counter is a database row (shared by every
    web process), not process memory."""
    visitor = Client(REMOTE_ADDR="203.0.113.7")
    statuses = [visitor.get(f"/r/guess-{n}/").status_code for n in range(100)]
    assert statuses[:30] == [404] * 30 and set(statuses[30:]) == {429}
    assert RateCounter.objects.get(key="request-link-miss:203.0.113.7").count == 100

    assert visitor.get(f"/r/{token}/").status_code == 200
    response = visitor.post(
        f"/r/{token}/", _public_data([SimpleUploadedFile("cert.pdf", PDF_BYTES)])
    )
    assert response.status_code == 200 and "Thank you" in response.content.decode()
    with alice.scope():
        assert CertificateRequest.objects.get().status == RequestStatus.FULFILLED


def test_submissions_to_one_link_are_limited_per_address(alice, token, monkeypatch):
    """R56: the limit on a valid link counts that link and address only: another address
    still uploads."""
    from documents.views import public as views_public

    monkeypatch.setattr(views_public, "POST_LIMIT", 2)
    empty = _public_data([])
    flooding = Client(REMOTE_ADDR="203.0.113.8")
    assert [flooding.post(f"/r/{token}/", empty).status_code for _ in range(3)] == [200, 200, 429]
    other = Client(REMOTE_ADDR="198.51.100.1")
    response = other.post(f"/r/{token}/", _public_data([SimpleUploadedFile("cert.png", PNG_BYTES)]))
    assert "Thank you" in response.content.decode()


# --- R55: document files parse as their type ----------------------------------------------------


def test_an_html_file_named_pdf_is_refused_in_the_app(alice, customer, login, tmp_path):
    """R55: an HTML page that starts with %PDF- is not a PDF: the upload form says so beside
    the file and nothing is stored."""
    response = login(alice.editor).post(
        alice.url(f"customers/{customer.public_id}/documents/new/"),
        {
            "file": SimpleUploadedFile("cert.pdf", HTML_BEHIND_PDF),
            "doc_type": "exemption",
            "regions": "TX",
            "effective_date": "2024-01-01",
        },
    )
    assert response.status_code == 200
    assert "cert.pdf starts like a PDF but does not open as one" in response.content.decode()
    with alice.scope():
        assert not Document.objects.exists()
    assert files_in(tmp_path / "media") == []


def test_an_html_file_named_pdf_is_refused_on_the_public_page(alice, token, tmp_path):
    """R55: the same on the public request page; the request stays open."""
    response = Client().post(
        f"/r/{token}/", _public_data([SimpleUploadedFile("cert.pdf", HTML_BEHIND_PDF)])
    )
    assert "cert.pdf starts like a PDF but does not open as one" in response.content.decode()
    with alice.scope():
        assert not Document.objects.exists()
        assert CertificateRequest.objects.get().status == RequestStatus.OPENED
    assert files_in(tmp_path / "media") == []


@pytest.mark.parametrize(
    "name, content, label",
    [
        ("cert.pdf", HTML_BEHIND_PDF, "PDF"),
        ("scan.png", PNG_BYTES[:40] + b"<html></html>", "PNG image"),
        ("scan.jpg", JPEG_BYTES[:30], "JPEG image"),
        ("scan.tif", b"II*\x00\x08\x00\x00\x00" + bytes(20), "TIFF image"),
    ],
)
def test_the_service_refuses_files_that_only_start_like_their_type(
    alice, customer, name, content, label
):
    """R55: whatever calls it (app, public page, admin, command), document_create refuses a
    file that does not parse as the type its first bytes claim."""
    with alice.scope(), pytest.raises(ValidationError) as refused:
        services.document_create(
            tenant=alice.tenant,
            customer=customer,
            actor=alice.editor,
            uploaded_file=SimpleUploadedFile(name, content),
            doc_type="exemption",
            regions=["TX"],
            effective_date="2024-01-01",
        )
    assert f"{name} starts like a {label} but does not open as one" in str(refused.value)


def test_review_refuses_to_mark_valid_a_file_that_does_not_open(alice, customer, login):
    """R55: a file stored before the check (or by hand) that does not open cannot be marked
    valid; the reviewer is told to mark it invalid."""
    from django.core.files.base import ContentFile

    document = make_document(customer, ["TX"], status=DocumentStatus.PENDING)
    with alice.scope():
        document.file.save("tenants/x/documents/old.pdf", ContentFile(HTML_BEHIND_PDF))
        with pytest.raises(ValidationError) as refused:
            services.document_review(document=document, actor=alice.editor, valid=True)
        assert "Mark it invalid" in str(refused.value)
        assert Document.objects.get(pk=document.pk).status == DocumentStatus.PENDING
