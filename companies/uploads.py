"""Upload caps (R25, R40, R56): each file is at most CERTHUB_MAX_UPLOAD_BYTES (50 MB), one
request at most its files' count times that (plus a little for the form's fields). A request over
the total is refused from its Content-Length before a byte of the body is read; a file over the
cap is refused while it streams in, never held in memory nor stored. Both answer 413.

Every view that accepts files is wrapped in `capped_upload` (documents for attachments, imports
for workbooks, the public request page); it lives here because those apps build on companies.
Whatever decides whether the upload may happen at all (the role, the request link's token) is
checked by the decorators and code *outside* `capped_upload`, so a refused upload is never read.
"""

import logging
from contextlib import contextmanager
from functools import wraps

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import QueryDict
from django.shortcuts import render
from django.utils.datastructures import MultiValueDict
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from certhub.errors import DomainError

logger = logging.getLogger(__name__)

# The request attribute that says what the caps refused (a message).
UPLOAD_REFUSED_ATTR = "certhub_upload_refused"
# Room for the form's other fields and the multipart headers, on top of the files (R56).
FORM_ALLOWANCE_BYTES = 1_048_576


def max_upload_bytes() -> int:
    return settings.CERTHUB_MAX_UPLOAD_BYTES


def max_request_bytes(max_files: int) -> int:
    """The most one request carrying up to `max_files` files may weigh, in bytes (R56)."""
    return max_files * max_upload_bytes() + FORM_ALLOWANCE_BYTES


def size_label(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def too_large_message(name: str) -> str:
    return f"{name} is larger than {size_label(max_upload_bytes())}."


def storage_failed_message(error: Exception) -> str:
    """What a user reads when the storage (disk, S3) refused a file (R61)."""
    return (
        f"The file could not be stored ({type(error).__name__}); nothing was saved. Try "
        "again in a moment; if it keeps failing, tell your administrator."
    )


@contextmanager
def storing_upload(name: str):
    """Around a save to the storage (disk, S3): any failure of the storage becomes a
    DomainError saying so (R61), logged for the operators."""
    try:
        yield
    except ValidationError:
        raise
    except Exception as error:
        logger.exception("Storing %s failed", name)
        raise DomainError(storage_failed_message(error)) from error


def request_too_large_message(max_files: int) -> str:
    files = "one file" if max_files == 1 else f"{max_files} files"
    return (
        f"This upload is larger than {size_label(max_request_bytes(max_files))} in all "
        f"(at most {files} of {size_label(max_upload_bytes())} each)."
    )


class CappedUploadHandler(FileUploadHandler):
    """Refuses a body over the request's total before reading it, and stops a file at the cap.

    It sits first in the handler chain: a chunk that would cross a cap never reaches the
    handlers behind it, Django deletes their partial temporary file, and the rest of the body
    is read and thrown away, so the over-size file is neither held in memory nor stored.
    """

    def __init__(self, request=None, *, max_files: int = 1):
        super().__init__(request)
        self.limit = max_upload_bytes()
        self.max_files = max_files
        self.total_limit = max_request_bytes(max_files)
        self.total = 0

    def _refuse(self, message: str) -> None:
        setattr(self.request, UPLOAD_REFUSED_ATTR, message)

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > self.total_limit:
            self._refuse(request_too_large_message(self.max_files))
            return QueryDict(encoding=encoding), MultiValueDict()  # the body is never read
        return None

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received = start + len(raw_data)
        self.total += len(raw_data)
        if self.received > self.limit:
            self._refuse(too_large_message(self.file_name or "The file"))
            raise StopUpload(connection_reset=False)
        if self.total > self.max_files * self.limit:
            self._refuse(request_too_large_message(self.max_files))
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler builds the uploaded file


def install_upload_cap(request, max_files: int = 1) -> None:
    """Put the caps in front of the configured handlers; call before touching POST or FILES."""
    request.upload_handlers.insert(0, CappedUploadHandler(request, max_files=max_files))


def upload_refused(request) -> str | None:
    """What the caps refused in this request (a message), if anything."""
    return getattr(request, UPLOAD_REFUSED_ATTR, None)


def upload_too_large_response(request, message: str):
    back = request.headers.get("referer") or request.path
    return render(
        request,
        "companies/upload_too_large.html",
        {"message": message, "back_url": back},
        status=413,
    )


def capped_upload(view=None, *, max_files: int = 1, refusal_in_view: bool = False):
    """Decorate a view that accepts up to `max_files` files: the caps are installed before the
    body is parsed and an over-size upload answers 413 with a message.

    With `refusal_in_view`, the view itself answers a refused upload (`upload_refused(request)`
    is the message): it shows the message next to the field and keeps what the user typed
    (R61). It is then called without the CSRF check, so it must write nothing in that case.

    Upload handlers can only change before CSRF protection reads POST, hence Django's
    documented pattern: the outer view is csrf_exempt, the inner one csrf_protect. A refused
    upload is answered before the CSRF check: it changes nothing, and the token may sit in the
    part of the body the caps threw away. Put role checks outside (above) this decorator.
    """
    if view is None:
        return lambda view: capped_upload(
            view, max_files=max_files, refusal_in_view=refusal_in_view
        )
    protected = csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST":
            install_upload_cap(request, max_files)
            request.POST  # noqa: B018  parse the body now, under the caps
            refused = upload_refused(request)
            if refused:
                for uploaded in request.FILES.values():
                    uploaded.close()
                if refusal_in_view:
                    return view(request, *args, **kwargs)
                return upload_too_large_response(request, refused)
        return protected(request, *args, **kwargs)

    return wrapper
