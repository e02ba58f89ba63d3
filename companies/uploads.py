"""The upload cap (R25, R40): a file larger than CERTHUB_MAX_UPLOAD_BYTES (50 MB) is refused
while it streams in, never held in memory nor stored, and answered 413 with a message.

Every app that accepts files wraps its views in `capped_upload` (documents for attachments,
imports for workbooks); it lives here because both apps build on companies.
"""

from functools import wraps

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt, csrf_protect

# The request attribute that names the file refused by the cap.
UPLOAD_REFUSED_ATTR = "certhub_upload_refused"


def max_upload_bytes() -> int:
    return settings.CERTHUB_MAX_UPLOAD_BYTES


def size_label(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def too_large_message(name: str) -> str:
    return f"{name} is larger than {size_label(max_upload_bytes())}."


class CappedUploadHandler(FileUploadHandler):
    """Counts each file's bytes as they stream in and stops the upload at the cap.

    It sits first in the handler chain: a chunk that would cross the cap never reaches the
    handlers behind it, Django deletes their partial temporary file, and the rest of the body
    is read and thrown away, so the over-size file is neither held in memory nor stored.
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = max_upload_bytes()

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received = start + len(raw_data)
        if self.received > self.limit:
            setattr(self.request, UPLOAD_REFUSED_ATTR, self.file_name or "The file")
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler builds the uploaded file


def install_upload_cap(request) -> None:
    """Put the cap in front of the configured handlers; call before touching POST or FILES."""
    request.upload_handlers.insert(0, CappedUploadHandler(request))


def upload_refused(request) -> str | None:
    """The name of the file the cap refused in this request, if any."""
    return getattr(request, UPLOAD_REFUSED_ATTR, None)


def upload_too_large_response(request, name: str):
    back = request.headers.get("referer") or request.path
    return render(request, "companies/upload_too_large.html",
                  {"message": too_large_message(name), "back_url": back}, status=413)


def capped_upload(view):
    """Decorate a view that accepts files: the cap is installed before the body is parsed and
    an over-size file answers 413 with a message.

    Upload handlers can only change before CSRF protection reads POST, hence Django's
    documented pattern: the outer view is csrf_exempt, the inner one csrf_protect. A refused
    upload is answered before the CSRF check: it changes nothing, and the token may sit in the
    part of the body after the file that the cap threw away.
    """
    protected = csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST":
            install_upload_cap(request)
            request.POST  # noqa: B018  parse the body now, under the cap
            refused = upload_refused(request)
            if refused:
                for uploaded in request.FILES.values():
                    uploaded.close()
                return upload_too_large_response(request, refused)
        return protected(request, *args, **kwargs)

    return wrapper
