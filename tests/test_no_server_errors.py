"""R61: failures answer a message in the product's layout, never a 500, and leave nothing
half-written; the error pages say what happened and where to go."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.views.defaults import server_error
from django_scopes import scope

from customers.models import Customer
from documents.models import Note
from imports.models import ImportBatch, Retry, Status
from tests.factories import make_customer
from tests.imports import workbooks as wb

pytestmark = pytest.mark.django_db

LAYOUT = 'class="topbar"'


def _upload(client, alice, path, callbacks):
    with callbacks(execute=True):
        response = client.post(alice.url("imports/"), {"file": wb.upload(path)})
    assert response.status_code == 302
    with scope(tenant=alice.tenant.pk):
        return ImportBatch.objects.get()


def test_errors_file_of_a_refused_batch_is_a_message(
    alice, login, tmp_path, django_capture_on_commit_callbacks
):
    """R61: asking for the errors file of a refused batch (not a workbook) answers the batch
    page with a message, not a 500."""
    client = login(alice.editor)
    batch = _upload(client, alice, wb.pdf_named_xlsx(tmp_path), django_capture_on_commit_callbacks)
    assert batch.status == Status.FAILED
    response = client.get(alice.url(f"imports/{batch.public_id}/errors.xlsx"), follow=True)
    page = response.content.decode()
    assert response.status_code == 200 and LAYOUT in page
    assert "cannot be given back with an error column" in page


@pytest.fixture
def broken_storage(settings, tmp_path):
    """The storage's folder is really a file: every save fails with a real OSError."""
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the storage expects a folder")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocked)},
        },
    }


def test_storage_failure_during_an_import_upload_is_a_message(
    alice, login, tmp_path, broken_storage
):
    """R61: when the storage cannot take the file, the upload page says so next to the field
    and no batch is left behind."""
    path = wb.basic_file(tmp_path / "a.xlsx", [wb.customer("100")])
    response = login(alice.editor).post(alice.url("imports/"), {"file": wb.upload(path)})
    page = response.content.decode()
    assert response.status_code == 200 and LAYOUT in page
    assert "could not be stored" in page and "nothing was saved" in page
    with scope(tenant=alice.tenant.pk):
        assert not ImportBatch.objects.exists()


def test_storage_failure_during_a_document_or_comment_upload_is_a_message(
    alice, login, broken_storage
):
    """R61: a document upload and a comment with a file, when the storage fails, answer their
    form with the message (the comment kept) and save nothing."""
    from documents.models import Document
    from tests.documents.test_documents import upload_data

    customer = make_customer(alice.company, "100", "Acme")
    client = login(alice.editor)
    response = client.post(
        alice.url(f"customers/{customer.public_id}/documents/new/"), upload_data()
    )
    assert response.status_code == 200 and "could not be stored" in response.content.decode()
    typed = "Signed copy from the buyer"
    response = client.post(
        alice.url(f"customers/{customer.public_id}/comments/"),
        {"text": typed, "file": SimpleUploadedFile("memo.txt", b"memo", "text/plain")},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "could not be stored" in page and typed in page
    with scope(tenant=alice.tenant.pk):
        assert not Document.objects.exists() and not Note.objects.exists()


@pytest.mark.django_db(transaction=True)  # ALTER TABLE needs no pending trigger events
def test_database_error_in_an_import_is_a_message_and_apply_again_works(
    alice, login, tmp_path, django_capture_on_commit_callbacks
):
    """R61: a database error while applying (a constraint the database enforces) fails the
    batch with the reason on its page, writes nothing, and offers to apply again, which
    works once the database accepts the rows."""
    make_customer(alice.company, "050", "Before")
    client = login(alice.editor)
    batch = _upload(
        client,
        alice,
        wb.basic_file(tmp_path / "a.xlsx", [wb.customer("100"), wb.customer("101")]),
        django_capture_on_commit_callbacks,
    )
    assert batch.status == Status.READY
    with connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE customers_customer ADD CONSTRAINT r61_refuse_101 "
            "CHECK (number <> '101') NOT VALID"
        )
    try:
        response = client.post(alice.url(f"imports/{batch.public_id}/apply/"), follow=True)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE customers_customer DROP CONSTRAINT r61_refuse_101")
    page = response.content.decode()
    assert response.status_code == 200
    batch.refresh_from_db()
    assert (batch.status, batch.retry) == (Status.FAILED, Retry.APPLY)
    assert "nothing was written" in page and "Apply again" in page
    with scope(tenant=alice.tenant.pk):
        assert list(Customer.objects.values_list("number", flat=True)) == ["050"]

    client.post(alice.url(f"imports/{batch.public_id}/apply/"))
    batch.refresh_from_db()
    assert batch.status == Status.APPLIED
    with scope(tenant=alice.tenant.pk):
        assert Customer.objects.count() == 3


def test_oversized_comment_upload_keeps_the_comment(alice, login, settings):
    """R61: a comment with a file over the cap answers 413 on the same page, the message at the
    file field and the comment still in its box; nothing is saved."""
    settings.CERTHUB_MAX_UPLOAD_BYTES = 1000
    customer = make_customer(alice.company, "100", "Acme")
    typed = "Spoke to Dana in AP: the Texas certificate is attached"
    response = login(alice.editor).post(
        alice.url(f"customers/{customer.public_id}/comments/"),
        {"text": typed, "file": SimpleUploadedFile("scan.pdf", b"x" * 5000, "application/pdf")},
    )
    page = response.content.decode()
    assert response.status_code == 413 and LAYOUT in page
    assert "scan.pdf is larger than" in page and "your comment is kept" in page
    assert typed in page  # in the textarea, to send again
    with scope(tenant=alice.tenant.pk):
        assert not Note.objects.exists()


def test_error_pages_are_in_the_layout_and_say_where_to_go(alice, login, client):
    """R61: 403, 404, 410, 413, 429 and 500 pages are in the product's layout and say what
    happened and where to go."""
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and "Page not found" in page.content.decode()
    assert LAYOUT in page.content.decode()
    forbidden = login(alice.viewer).post(alice.url("imports/"))
    assert forbidden.status_code == 403 and "You may not do this" in forbidden.content.decode()

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    crashed = server_error(request)
    assert crashed.status_code == 500
    assert "Something went wrong" in crashed.content.decode()
    assert LAYOUT in crashed.content.decode()
    for code, heading in [
        ("410", "No longer available"),
        ("413", "File too large"),
        ("429", "Too many attempts"),
    ]:
        html = render_to_string(f"{code}.html", request=request)
        assert heading in html and "Go to your start page" in html and LAYOUT in html


def test_expired_form_is_a_page_not_a_bare_403(alice, client):
    """R61: a form whose CSRF check fails says the form expired and what to do."""
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice.editor, backend="django.contrib.auth.backends.ModelBackend")
    response = strict.post(alice.url("imports/"), {})
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()
