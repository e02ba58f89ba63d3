"""The Import Customers pages (R31, R38-R42): each page's happy path, another tenant's user
(404), a too-low role (403) and an anonymous visitor (login)."""

import io

import pytest
from django_scopes import scope
from openpyxl import load_workbook

from customers.models import Customer
from imports.columns import template_titles
from imports.models import ImportBatch, Status
from tests.factories import import_file, make_customer
from tests.imports import workbooks as wb

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch(alice, tmp_path):
    """A validated (ready) batch with one change, one new customer and one error."""
    make_customer(alice.company, "100", "Acme", city="Austin", phone="555")
    path = wb.basic_file(
        tmp_path / "upload.xlsx",
        [
            wb.customer("100", Name_1="Acme", City="Dallas", Phone=""),
            wb.customer("200"),
            wb.customer("300", Email="bad"),
        ],
    )
    result = import_file(
        path,
        tenant=alice.tenant,
        company=alice.company,
        user=alice.editor,
        dry_run=False,
        skip_errors=False,
    )
    with scope(tenant=alice.tenant.pk):
        batch = ImportBatch.objects.get(pk=result.batch.pk)
        batch.status = Status.READY  # as validated from the web, not yet applied
        batch.message = ""
        batch.save()
    return batch


def test_start_page(alice, login):
    """R31: the page names the picked company and offers both templates and the upload."""
    response = login(alice.viewer).get(alice.url("imports/"))
    assert response.status_code == 200
    assert alice.company.name in response.content.decode()
    assert "certhub-customers-basic.xlsx" in response.content.decode()
    response = login(alice.editor).get(alice.url("imports/"))
    assert 'data-testid="upload-form"' in response.content.decode()
    assert "Replace ship-to zones and links with those in the file" in response.content.decode()


@pytest.mark.parametrize("path", ["imports/", "imports/templates/basic.xlsx"])
def test_pages_four_cases_for_reading(alice, bob, login, client, path):
    """R3: anonymous -> login; another tenant's user -> 404."""
    assert client.get(alice.url(path)).status_code == 302
    assert login(bob.editor).get(alice.url(path)).status_code == 404


def test_template_download(alice, login):
    """R31: the templates are generated .xlsx files: one sheet, the header row, exact titles."""
    for kind in ("basic", "full"):
        response = login(alice.viewer).get(alice.url(f"imports/templates/{kind}.xlsx"))
        assert response.status_code == 200
        assert f"certhub-customers-{kind}.xlsx" in response["Content-Disposition"]
        book = load_workbook(io.BytesIO(response.content))
        assert len(book.worksheets) == 1
        rows = list(book.active.iter_rows(values_only=True))
        assert rows == [tuple(template_titles(kind))]
        assert book.active.freeze_panes == "A2"


def test_upload_creates_a_batch_and_shows_the_preview(
    alice, login, tmp_path, django_capture_on_commit_callbacks
):
    """R38: an upload is checked in the background; the batch page shows counts, old -> new
    values with erased ones highlighted, and the errors with row, column and reason."""
    make_customer(alice.company, "100", "Acme", phone="555")
    path = wb.basic_file(
        tmp_path / "a.xlsx",
        [wb.customer("100", Name_1="Acme", Phone=""), wb.customer("300", Email="bad")],
    )
    client = login(alice.editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(alice.url("imports/"), {"file": wb.upload(path)})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="erased">555</del>' in page
    assert "Billing Customer Email" in page and "not a valid email" in page
    assert "Apply 1 valid row" in page


def test_upload_needs_editor(alice, login, tmp_path):
    """R2, R3: a viewer may not upload (403)."""
    path = wb.basic_file(tmp_path / "a.xlsx", [wb.customer("100")])
    response = login(alice.viewer).post(alice.url("imports/"), {"file": wb.upload(path)})
    assert response.status_code == 403
    with scope(tenant=alice.tenant.pk):
        assert not ImportBatch.objects.exists()


def test_batch_page_four_cases(alice, bob, login, client, batch):
    """R3: the batch page and its progress JSON: viewer 200, other tenant 404, anonymous
    login."""
    url = alice.url(f"imports/{batch.public_id}/")
    assert login(alice.viewer).get(url).status_code == 200
    progress = login(alice.viewer).get(url + "progress/").json()
    assert progress["finished"] and progress["done"] == progress["total"] == 3
    assert client.logout() is None and client.get(url).status_code == 302
    assert login(bob.owner).get(url).status_code == 404
    assert login(bob.owner).get(url + "progress/").status_code == 404


def test_apply_and_undo_from_the_page(alice, bob, login, batch, django_capture_on_commit_callbacks):
    """R39, R40: a viewer may not apply (403), another tenant gets 404; an editor applies (in
    the background) and undoes."""
    url = alice.url(f"imports/{batch.public_id}/")
    assert login(alice.viewer).post(url + "apply/").status_code == 403
    assert login(bob.editor).post(url + "apply/").status_code == 404
    client = login(alice.editor)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url + "apply/").status_code == 302
    with scope(tenant=alice.tenant.pk):
        assert ImportBatch.objects.get(pk=batch.pk).status == Status.APPLIED
        assert Customer.objects.get(number="100").city == "Dallas"
    assert "Undo" in client.get(url).content.decode()
    assert login(alice.viewer).post(url + "undo/").status_code == 403
    assert login(alice.editor).post(url + "undo/").status_code == 302
    with scope(tenant=alice.tenant.pk):
        assert ImportBatch.objects.get(pk=batch.pk).status == Status.UNDONE
        assert Customer.objects.get(number="100").phone == "555"
        assert not Customer.objects.filter(number="200").exists()


def test_cancel_from_the_page(alice, login, batch):
    """R38: cancel instead of applying."""
    url = alice.url(f"imports/{batch.public_id}/cancel/")
    assert login(alice.viewer).post(url).status_code == 403
    assert login(alice.editor).post(url).status_code == 302
    with scope(tenant=alice.tenant.pk):
        assert ImportBatch.objects.get(pk=batch.pk).status == Status.CANCELLED


def test_download_with_errors(alice, bob, login, client, batch):
    """R38: the file comes back with an error column added."""
    url = alice.url(f"imports/{batch.public_id}/errors.xlsx")
    assert client.get(url).status_code == 302
    assert login(bob.editor).get(url).status_code == 404
    response = login(alice.editor).get(url)
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][-1] == "CertHub Errors"
    assert rows[3][0] == "300" and "Billing Customer Email" in rows[3][-1]
    assert rows[1][-1] is None


def test_export_from_the_page(alice, bob, login, client):
    """R42: the working company's customers download in either template."""
    make_customer(alice.company, "100", "Acme")
    url = alice.url("imports/export/?template=full")
    assert client.get(url).status_code == 302
    assert login(bob.editor).get(url).status_code == 404
    response = login(alice.viewer).get(url)
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert rows[0] == tuple(template_titles("full")) and rows[1][0] == "100"


def test_dashboard_panel(alice, login, batch):
    """R38: the dashboard counts the working company's batches waiting to be applied."""
    page = login(alice.viewer).get(alice.url()).content.decode()
    assert "Imports ready to apply" in page


def test_dashboard_panel_with_an_applied_batch_without_its_time(alice, login, batch):
    """R61: an applied batch whose time is not known (a batch older than the field, a row
    mended by hand) does not break the dashboard; the last known apply is named."""
    _running(alice, batch, status=Status.APPLIED, applied_at=None)
    response = login(alice.viewer).get(alice.url())
    assert response.status_code == 200
    assert "No import applied yet" in response.content.decode()


def _running(alice, batch, **progress) -> str:
    """Put the batch where a worker's run would have it (status, rows, step); its page's URL."""
    with scope(tenant=alice.tenant.pk):
        ImportBatch.objects.filter(pk=batch.pk).update(**progress)
    return alice.url(f"imports/{batch.public_id}/")


def test_progress_while_running(alice, login, batch):
    """R40: while a batch runs, its page polls a progress bar of rows done of total."""
    url = _running(alice, batch, status=Status.APPLYING, rows_done=2000, rows_total=5000)
    client = login(alice.viewer)
    page = client.get(url).content.decode()
    assert f'data-progress-url="{url}progress/"' in page
    assert "Applying: 2,000 of 5,000 rows read" in page
    progress = client.get(url + "progress/").json()
    assert progress == {
        "done": 2000,
        "total": 5000,
        "finished": False,
        "reload": False,
        "label": "Applying: 2,000 of 5,000 rows read",
    }


def test_batch_page_names_the_step(alice, login, batch):
    """P6: after the rows are read, the batch page says which step runs and how far it is."""
    url = _running(
        alice,
        batch,
        status=Status.APPLYING,
        rows_done=40_000,
        rows_total=100_000,
        step="writing the new customers: 40,000 of 100,000",
    )
    progress = login(alice.viewer).get(url + "progress/").json()
    assert progress["label"] == "Applying: writing the new customers: 40,000 of 100,000"
    assert (progress["done"], progress["total"]) == (40_000, 100_000)


def test_changes_are_paginated(alice, login, tmp_path):
    """R38: the per-customer changes of a large file are shown a page at a time."""
    path = wb.basic_file(tmp_path / "many.xlsx", [wb.customer(str(n)) for n in range(60)])
    result = import_file(path, tenant=alice.tenant, company=alice.company, dry_run=False)
    url = alice.url(f"imports/{result.batch.public_id}/")
    page = login(alice.viewer).get(url).content.decode()
    assert "Page 1 of 2" in page and "?changes=2" in page
    assert "Page 2 of 2" in login(alice.viewer).get(url + "?changes=2").content.decode()


def test_error_counts_say_messages_and_rows(
    alice, login, tmp_path, django_capture_on_commit_callbacks
):
    """R38: the batch page and the batch list say how many errors in how many rows ("3 errors
    in 2 rows"), so the counts never seem to disagree with the rows listed."""
    path = wb.basic_file(
        tmp_path / "e.xlsx",
        [
            wb.customer("100", Email="bad", Ship="ZZ"),
            wb.customer("200", Email="worse"),
            wb.customer("300"),
        ],
    )
    client = login(alice.editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(alice.url("imports/"), {"file": wb.upload(path)})
    page = client.get(response["Location"]).content.decode()
    assert "3 errors in 2 rows" in page
    assert "3 errors in 2 rows" in client.get(alice.url("imports/")).content.decode()


def test_counts_include_rows_in_error(alice, login, django_capture_on_commit_callbacks):
    """R38: the rows count is the file's data rows, a row in error included, and the Apply
    button counts the rows it will apply: a full-template file of a good row and a row with no
    billing number shows "2 rows" and "Apply 1 valid row", and applying creates that row."""
    from pathlib import Path

    path = Path("/work/shared/field-cases/full_blank_billing_number.xlsx")
    client = login(alice.editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(alice.url("imports/"), {"file": wb.upload(path)})
    url = response["Location"]
    page = client.get(url).content.decode()
    assert "<strong>2</strong> rows" in page
    assert "Apply 1 valid row</button>" in page
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url + "apply/").status_code == 302
    with scope(tenant=alice.tenant.pk):
        assert sorted(Customer.objects.values_list("number", flat=True)) == ["FB-1", "FS-1"]


def test_file_of_titles_only_offers_no_apply(
    alice, login, tmp_path, django_capture_on_commit_callbacks
):
    """R38: an uploaded file with titles and no customer rows is refused on its page, which
    says so and offers no Apply button."""
    path = wb.write_xlsx(tmp_path / "titles.xlsx", wb.BASIC, [])
    client = login(alice.editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(alice.url("imports/"), {"file": wb.upload(path)})
    page = client.get(response["Location"]).content.decode()
    assert "The file has titles but no customer rows" in page
    assert "valid row" not in page
    with scope(tenant=alice.tenant.pk):
        assert ImportBatch.objects.get().status == Status.FAILED


def test_stale_preview_page_offers_validate_again(
    alice, login, tmp_path, django_capture_on_commit_callbacks
):
    """R39: on the page, applying a preview made before another batch of the company was
    applied says "The customers changed since this preview" and offers "Validate again"; the
    flash that nothing was applied is an error, not a success."""
    client = login(alice.editor)
    urls = []
    for name, city in (("a", "Austin"), ("b", "Dallas")):
        path = wb.basic_file(tmp_path / f"{name}.xlsx", [wb.customer("100", City=city)])
        with django_capture_on_commit_callbacks(execute=True):
            urls.append(client.post(alice.url("imports/"), {"file": wb.upload(path)})["Location"])
    for url in urls:
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(url + "apply/").status_code == 302
    page = client.get(urls[1]).content.decode()
    assert "The customers changed since this preview: check the file again" in page
    assert "Validate again</button>" in page
    assert '<li class="message message-error">Nothing was applied.</li>' in page
    with scope(tenant=alice.tenant.pk):
        assert Customer.objects.get(number="100").city == "Austin"


def test_the_bar_is_indeterminate_while_the_workbook_is_opened(alice, login, batch):
    """P6, R40: before the rows are counted (python-calamine parses the whole sheet in one
    call) the bar has no value, so the browser shows it moving; then it counts the rows."""
    url = _running(alice, batch, status=Status.VALIDATING, rows_done=0, rows_total=0)
    client = login(alice.viewer)
    page = client.get(url).content.decode()
    assert '<progress data-testid="opening">' in page
    assert "Checking: opening the workbook…" in page
    _running(alice, batch, rows_total=5000)
    page = client.get(url).content.decode()
    assert '<progress max="5000" value="0">' in page
