"""Uploaded files (R20, R25, R27): the 50 MB cap while streaming, magic-byte types, generated
storage names with hash and size, and downloads that never run a file in the browser."""

import hashlib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import FileResponse

from documents.files import sniff_content_type
from documents.models import Note
from tests.factories import make_customer
from tests.streamed_upload import CAP, MB, StreamedBody, files_in, post_measured

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(20)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(20)
TIFF_LE = b"II*\x00\x08\x00\x00\x00" + bytes(20)
TIFF_BE = b"MM\x00*\x00\x00\x00\x08" + bytes(20)
HTML = b"<!doctype html><script>alert(document.cookie)</script>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture
def customer(alice):
    return make_customer(alice.company, "C-1", "Acme Supply")


def _tab(world, customer):
    return world.url(f"customers/{customer.public_id}/comments/")


def test_upload_over_50_mb_is_refused_while_streaming(
    alice, login, customer, tmp_path, upload_temp
):
    """R25: 50 MB + 1 byte is refused with 413 and a message; nothing is stored, no entry is
    written (not even the comment sent with it), and memory never holds the file."""
    body = StreamedBody(filename="scan.pdf", size=CAP + 1, fields={"text": "With a comment"})
    response, peak = post_measured(login(alice.editor), body, _tab(alice, customer))
    assert response.status_code == 413
    assert "scan.pdf is larger than 50 MB." in response.content.decode()
    assert files_in(tmp_path / "media") == []
    assert files_in(upload_temp) == []
    with alice.scope():
        assert not Note.objects.exists()
    assert peak < 8 * MB, f"peak {peak / MB:.1f} MB while refusing a 50 MB upload"


def test_upload_of_exactly_50_mb_is_accepted(alice, login, customer, tmp_path, upload_temp):
    """R25: the cap is inclusive: 52,428,800 bytes are stored, streamed through a temporary
    file rather than memory."""
    body = StreamedBody(filename="big.pdf", size=CAP)
    response, peak = post_measured(login(alice.editor), body, _tab(alice, customer))
    assert response.status_code == 302
    with alice.scope():
        note = Note.objects.get()
    assert note.size == CAP
    assert (tmp_path / "media" / note.file.name).stat().st_size == CAP
    assert files_in(upload_temp) == []
    assert peak < 8 * MB


def test_over_size_upload_from_a_viewer_is_refused_before_reading(alice, login, customer, tmp_path):
    """R2, R25: a viewer's upload is refused (403) before its body is parsed."""
    body = StreamedBody(filename="scan.pdf", size=CAP + 1)
    response = login(alice.viewer).request(**body.environ(_tab(alice, customer)))
    assert response.status_code == 403
    assert files_in(tmp_path / "media") == []


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (PDF, "application/pdf"),
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (TIFF_LE, "image/tiff"),
        (TIFF_BE, "image/tiff"),
        (HTML, None),
        (SVG, None),
        (b"PK\x03\x04", None),
        (b"", None),
    ],
)
def test_content_type_comes_from_magic_bytes(head, expected):
    """R20: PDF, PNG, JPEG and TIFF are recognised by their first bytes, nothing else is."""
    assert sniff_content_type(head) == expected


def _upload(client, world, customer, name, content):
    response = client.post(_tab(world, customer), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302
    with world.scope():
        return Note.objects.latest("created_at")


def test_stored_name_is_generated_under_the_tenant_prefix(alice, login, customer, tmp_path):
    """R4, R27: the stored name is tenants/<tenant id>/notes/<random>; the original name,
    size, sniffed content type and SHA-256 are kept."""
    client = login(alice.editor)
    note = _upload(client, alice, customer, "../../etc/Résumé.png", PNG)
    pattern = rf"tenants/{alice.tenant.public_id}/notes/[0-9a-f]{{32}}\.png"
    assert re.fullmatch(pattern, note.file.name)
    assert (note.original_name, note.size) == ("Résumé.png", len(PNG))
    assert note.content_type == "image/png"
    assert note.sha256 == hashlib.sha256(PNG).hexdigest()
    assert (tmp_path / "media" / note.file.name).read_bytes() == PNG
    other = _upload(client, alice, customer, "../../etc/Résumé.png", PNG)
    assert other.file.name != note.file.name


def _download(client, world, note, inline=False):
    url = world.url(f"notes/{note.public_id}/file/") + ("?inline=1" if inline else "")
    response = client.get(url)
    assert isinstance(response, FileResponse)
    return response


@pytest.mark.parametrize(("name", "content"), [("page.html", HTML), ("logo.svg", SVG)])
def test_html_and_svg_are_never_served_inline(alice, login, customer, name, content):
    """R27: HTML and SVG download as opaque attachments with nosniff and a sandbox, even when
    inline is asked for."""
    client = login(alice.editor)
    note = _upload(client, alice, customer, name, content)
    for inline in (False, True):
        response = _download(login(alice.viewer), alice, note, inline)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "sandbox"
        assert b"".join(response.streaming_content) == content


def test_pdf_downloads_as_attachment_and_previews_inline(alice, login, customer):
    """R27: a PDF is an attachment with its type and original name (UTF-8 too); inline only
    when asked."""
    note = _upload(login(alice.editor), alice, customer, "Zertifikat für TX.pdf", PDF)
    client = login(alice.viewer)
    response = _download(client, alice, note)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="Zertifikat f_r TX.pdf"; '
        "filename*=UTF-8''Zertifikat%20f%C3%BCr%20TX.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
    preview = _download(client, alice, note, inline=True)
    assert preview["Content-Disposition"].startswith("inline;")
    assert preview["Content-Type"] == "application/pdf"


def test_upload_pages_still_check_csrf(alice, customer):
    """R25 with CSRF: the cap replaces Django's CSRF middleware check by the same check inside
    the view, so a post without the token is refused and nothing is written."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice.editor, backend="django.contrib.auth.backends.ModelBackend")
    url = _tab(alice, customer)
    refused = client.post(url, {"text": "No token", "file": SimpleUploadedFile("a.pdf", PDF)})
    assert refused.status_code == 403
    token = client.get(url).cookies["csrftoken"].value
    accepted = client.post(url, {"text": "With token", "csrfmiddlewaretoken": token})
    assert accepted.status_code == 302
    with alice.scope():
        assert list(Note.objects.values_list("text", flat=True)) == ["With token"]
