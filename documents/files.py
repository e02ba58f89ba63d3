"""Uploaded files: type sniffing, storage, downloads (R20, R25, R27).

Views that accept files wrap themselves in `capped_upload` (the 50 MB cap while the upload
streams, companies/uploads.py, shared with imports); services store files with `store_file`;
downloads go only through permission-checked views that return `file_response`.
"""

import hashlib
import posixpath
import uuid
import warnings
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.http import FileResponse
from PIL import Image
from pypdf import PdfReader

# The cap, for the documents views and services that import it from here.
from companies.uploads import capped_upload as capped_upload
from companies.uploads import max_upload_bytes as max_upload_bytes
from companies.uploads import size_label as size_label
from companies.uploads import storing_upload
from companies.uploads import too_large_message as too_large_message

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"
# The document file types of R20, the only ones ever served inline (R27).
DOCUMENT_TYPES = (PDF, PNG, JPEG, TIFF)
EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg", TIFF: ".tif"}
OCTET_STREAM = "application/octet-stream"
SNIFF_BYTES = 1024
READ_CHUNK = 64 * 1024


def sniff_content_type(first_bytes: bytes) -> str | None:
    """The document type of a file from its first bytes (never its name), or None (R20)."""
    head = bytes(first_bytes[:SNIFF_BYTES])
    if head.startswith(b"%PDF-") or b"%PDF-" in head:
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    return None


def read_head(uploaded_file) -> bytes:
    uploaded_file.seek(0)
    head = uploaded_file.read(SNIFF_BYTES)
    uploaded_file.seek(0)
    return head


TYPE_LABELS = {PDF: "PDF", PNG: "PNG image", JPEG: "JPEG image", TIFF: "TIFF image"}
PILLOW_FORMATS = {PNG: "PNG", JPEG: "JPEG", TIFF: "TIFF"}


def _opens_as(uploaded_file, content_type: str) -> bool:
    """Whether the whole file parses as `content_type`: pypdf reads the PDF's cross-reference
    table and page tree; Pillow decodes the image (its first frame), a decompression bomb
    counting as not an image."""
    uploaded_file.seek(0)
    try:
        if content_type == PDF:
            return len(PdfReader(uploaded_file).pages) > 0
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(uploaded_file, formats=[PILLOW_FORMATS[content_type]]) as image:
                image.load()
        return True
    except Exception:  # any parser error (they have many types) means "not this type"
        return False
    finally:
        uploaded_file.seek(0)


def check_document_file(uploaded_file) -> str:
    """The content type of a document file (R20, R55): a PDF, PNG, JPEG or TIFF by its first
    bytes that also opens as that type, so a file that only starts like one (HTML behind
    `%PDF-`) is refused. Returns e.g. "application/pdf"; raises ValidationError naming the
    file and what is wrong with it."""
    name = clean_original_name(uploaded_file.name)
    content_type = sniff_content_type(read_head(uploaded_file))
    if content_type is None:
        raise ValidationError(f"{name} is not a PDF, PNG, JPEG or TIFF file.")
    if not _opens_as(uploaded_file, content_type):
        label = TYPE_LABELS[content_type]
        raise ValidationError(
            f"{name} starts like a {label} but does not open as one: it is "
            f"damaged or another kind of file. Save it again as a {label}."
        )
    return content_type


def sha256_of(uploaded_file) -> str:
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks(READ_CHUNK):
        digest.update(chunk)
    uploaded_file.seek(0)
    return digest.hexdigest()


def storage_name(*, tenant, folder: str, content_type: str | None) -> str:
    """`tenants/<tenant public id>/<folder>/<random><ext>`: never the uploader's name (R4, R27)."""
    extension = EXTENSIONS.get(content_type or "", ".bin")
    return posixpath.join(
        "tenants", str(tenant.public_id), folder, f"{uuid.uuid4().hex}{extension}"
    )


def clean_original_name(name: str) -> str:
    name = posixpath.basename((name or "").replace("\\", "/")).strip()
    return name[:255] or "file"


def store_file(instance, uploaded_file, *, tenant, folder: str) -> None:
    """Save an upload through the default storage and fill the StoredFile fields of `instance`
    (not saved). The caller saves the instance in its transaction."""
    content_type = sniff_content_type(read_head(uploaded_file))
    instance.original_name = clean_original_name(uploaded_file.name)
    instance.size = uploaded_file.size
    instance.content_type = content_type or OCTET_STREAM
    instance.sha256 = sha256_of(uploaded_file)
    name = storage_name(tenant=tenant, folder=folder, content_type=content_type)
    with storing_upload(name):  # a storage failure is a ValidationError for the form (R61)
        instance.file.save(name, uploaded_file, save=False)


def delete_stored_file(instance) -> None:
    """Remove the stored bytes of `instance`, if any; the row is the caller's."""
    if instance.file and instance.file.name:
        instance.file.storage.delete(instance.file.name)


def content_disposition(name: str, *, inline: bool) -> str:
    """RFC 6266: an ASCII fallback and the exact UTF-8 name."""
    kind = "inline" if inline else "attachment"
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in name)
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def file_response(stored, *, inline: bool = False) -> FileResponse:
    """Stream a stored file: an attachment unless inline is asked for a PDF or image; other
    types always as opaque bytes, so HTML or SVG never runs in our origin (R27)."""
    document_type = stored.content_type in DOCUMENT_TYPES
    response = FileResponse(
        stored.file.open("rb"), content_type=stored.content_type if document_type else OCTET_STREAM
    )
    name = stored.original_name or posixpath.basename(stored.file.name)
    response["Content-Disposition"] = content_disposition(name, inline=inline and document_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
