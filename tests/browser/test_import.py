import pytest
from django_scopes import scope
from openpyxl import load_workbook

from customers.models import Customer
from imports.models import ImportBatch, Status
from tests.browser.conftest import log_in
from tests.factories import make_customer

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("browser")]


def test_download_fill_upload_preview_apply_search_and_undo(
    page, screenshot, alice, password, tmp_path
):
    """R31, R38-R40, R13: download the basic template, fill it, upload it, see the preview with
    an erased field highlighted, apply it (the progress reaches 100%), find the new customer
    with the top-bar search, then undo the batch."""
    make_customer(alice.company, "100", "Acme Tools", phone="512-555-0100")
    log_in(page, alice.editor.email, password)
    page.wait_for_url("**/t/**")
    page.get_by_role("link", name="Imports", exact=True).click()

    with page.expect_download() as download:
        page.get_by_role("link", name="certhub-customers-basic.xlsx").click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    book = load_workbook(template)
    titles = [cell.value for cell in book.active[1]]
    values = {
        "Billing Customer Number": "100",
        "Billing Customer Name 1": "Acme Tools",
        "Billing Customer Phone": "",
        "Billing Customer State": "TX",
        "Billing Customer Zip": "78701",
        "Billing Customer City": "Austin",
        "Billing Customer Address 1": "1 Main St",
        "Billing Customer Country": "US",
    }
    book.active.append([values.get(title, "") for title in titles])
    new = {
        "Billing Customer Number": "NEW-1",
        "Billing Customer Name 1": "Zephyr Widgets",
        "Billing Customer City": "Tulsa",
        "Billing Customer State": "OK",
        "Shipping Customer State": "KS",
    }
    book.active.append([new.get(title, "") for title in titles])
    upload = tmp_path / "customers.xlsx"
    book.save(upload)

    page.get_by_label("Workbook (.xlsx)").set_input_files(str(upload))
    page.get_by_label("Replace ship-to zones and links with those in the file").check()
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url("**/imports/*-*/")
    erased = page.get_by_test_id("erased")
    assert erased.inner_text() == "512-555-0100"
    assert "Zephyr Widgets" in page.get_by_test_id("changes").inner_text()
    new_customer = page.get_by_test_id("new-customer")
    new_customer.locator("summary").click()  # folded: every field the new customer gets
    assert "Tulsa" in new_customer.inner_text()
    screenshot("import")

    page.get_by_role("button", name="Apply 2 valid rows").click()
    page.wait_for_selector("text=Changes made")
    bar = page.locator("[data-testid=counts] progress")
    assert bar.get_attribute("value") == bar.get_attribute("max")
    with scope(tenant=alice.tenant.pk):
        assert ImportBatch.objects.get().status == Status.APPLIED

    page.locator("#topbar-q").fill("Zephyr")
    page.locator("#topbar-q").press("Enter")
    assert "NEW-1" in page.get_by_test_id("customer-list").inner_text()

    page.go_back()
    page.go_back()
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Undo").click()
    page.wait_for_selector("text=The import was undone.")
    with scope(tenant=alice.tenant.pk):
        assert not Customer.objects.filter(number="NEW-1").exists()
        assert Customer.objects.get(number="100").phone == "512-555-0100"


def test_field_case_merged_clone_rows_upload_preview_apply(page, alice, password):
    """R33, R35, R43: a real user's workbook (../shared/field-cases: clone rows made by merging
    cells) goes through upload, preview and apply: one customer with three ship-to zones."""
    log_in(page, alice.editor.email, password)
    page.wait_for_url("**/t/**")
    page.get_by_role("link", name="Imports", exact=True).click()
    page.get_by_label("Workbook (.xlsx)").set_input_files(
        "/work/shared/field-cases/merged_cells_clone_rows.xlsx"
    )
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url("**/imports/*-*/")
    page.wait_for_selector("[data-testid=changes]")
    counts = page.get_by_test_id("counts").inner_text()
    assert "0 errors" in counts and "MC-1" in page.get_by_test_id("changes").inner_text()
    page.get_by_role("button", name="Apply 3 valid rows").click()
    page.wait_for_selector("text=Changes made")
    with scope(tenant=alice.tenant.pk):
        customer = Customer.objects.get(number="MC-1")
        assert sorted(customer.zones.values_list("region", flat=True)) == ["CA", "NV", "OR"]


def test_the_bar_moves_while_the_workbook_is_opened_then_counts_rows(
    page, screenshot, alice, password, tmp_path
):
    """P6, R40: while the workbook is opened (no rows counted yet) the bar is indeterminate, so
    the browser animates it; once the worker counts the rows, the polling script shows them."""
    from tests.imports import workbooks as wb
    from tests.imports.batches import upload_batch

    batch = upload_batch(alice, wb.basic_file(tmp_path / "a.xlsx", [wb.customer("100")]))
    with scope(tenant=alice.tenant.pk):
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=Status.VALIDATING, rows_done=0, rows_total=0, counts={}
        )
    log_in(page, alice.editor.email, password)
    page.wait_for_url("**/t/**")
    page.goto(alice.url(f"imports/{batch.public_id}/"))
    bar = page.get_by_test_id("progress").locator("progress")
    assert bar.evaluate("bar => bar.position") == -1  # indeterminate
    screenshot("import-opening")
    with scope(tenant=alice.tenant.pk):
        ImportBatch.objects.filter(pk=batch.pk).update(rows_done=2000, rows_total=5000)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=progress] progress').position === 0.4"
    )
    assert "2,000 of 5,000 rows read" in page.get_by_test_id("progress").inner_text()
