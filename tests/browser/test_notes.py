from pathlib import Path

import pytest
from django_scopes import scope

from documents.demo_files import tiny_pdf
from documents.models import Note, NoteKind
from tests.browser.conftest import log_in
from tests.factories import make_customer

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("browser")]


def test_add_a_comment_with_a_file_edit_it_and_remove_it(
    page, screenshot, alice, password, tmp_path
):
    """R24, R26: an editor adds a comment and a file in one submission on a customer's
    Comments & Files tab, edits the comment, renames the file, and removes the file after
    confirming."""
    customer = make_customer(alice.company, "C-2001", "Blue Mesa Hardware")
    letter = tmp_path / "renewal-letter.pdf"
    letter.write_bytes(tiny_pdf("Renewal notice", "Blue Mesa Hardware"))

    log_in(page, alice.editor.email, password)
    page.wait_for_url("**/t/**")
    page.goto(alice.url(f"customers/{customer.public_id}/"))
    page.get_by_role("navigation", name="Customer").get_by_role(
        "link", name="Comments & Files"
    ).click()
    page.get_by_label("Comment:").fill("Called AP: renewal is with their legal team.")
    page.get_by_label("File:").set_input_files(str(letter))
    page.get_by_role("button", name="Add").click()
    page.wait_for_load_state()
    rows = page.get_by_test_id("note-row")
    assert rows.count() == 2
    table = page.get_by_test_id("notes").inner_text()
    assert "renewal-letter.pdf" in table and "Called AP" in table

    comment_row = rows.filter(has_text="Called AP")
    comment_row.get_by_role("link", name="Edit").click()
    page.get_by_label("Comment:").fill("Called AP: renewal expected next week.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/comments/")
    assert "renewal expected next week" in page.get_by_test_id("notes").inner_text()

    file_row = page.get_by_test_id("note-row").filter(has_text="renewal-letter.pdf")
    file_row.get_by_role("link", name="Edit").click()
    page.get_by_label("File name:").fill("Renewal letter 2025.pdf")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/comments/")
    file_row = page.get_by_test_id("note-row").filter(has_text="Renewal letter 2025.pdf")
    with page.expect_download() as download:
        file_row.get_by_role("link", name="Renewal letter 2025.pdf").click()
    assert download.value.suggested_filename == "Renewal letter 2025.pdf"
    assert Path(download.value.path()).read_bytes() == letter.read_bytes()
    screenshot("comments")

    file_row.get_by_role("link", name="Remove").click()
    assert "will be deleted" in page.locator("main").inner_text()
    dialogs = []  # the page asks; no browser dialog asks again (issue 13)
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Remove").click()
    page.wait_for_url("**/comments/")
    assert dialogs == []
    assert page.get_by_test_id("note-row").count() == 1
    assert "File removed." in page.locator("main").inner_text()

    with scope(tenant=alice.tenant.pk):
        assert [n.kind for n in Note.objects.filter(customer=customer)] == [NoteKind.COMMENT]
