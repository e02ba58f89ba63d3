import pytest
from django_scopes import scope

from customers.models import Customer
from imports.models import ColumnMapping
from tests.browser.conftest import log_in
from tests.imports.test_csv import write_csv
from tests.imports.test_mapping import XERO, XERO_ROW

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("browser")]


def test_map_the_columns_of_an_accounting_export(page, screenshot, alice, password, tmp_path):
    """R58: a Xero contacts export is refused as R32 says and offers "Map the columns of this
    file"; the page proposes a column per template field with its first rows; the user changes
    one pairing, saves the mapping, sees the preview and applies it."""
    rows = [
        [XERO_ROW.get(t, "") for t in XERO],
        [
            {
                "ContactName": "Tui Imports",
                "AccountNumber": "000778",
                "FirstName": "Aroha",
                "POCity": "Seattle",
                "PORegion": "WA",
                "POPostalCode": "98101",
                "POCountry": "US",
                "SARegion": "OR",
            }.get(t, "")
            for t in XERO
        ],
    ]
    export = write_csv(tmp_path / "Contacts.csv", XERO, rows)
    log_in(page, alice.editor.email, password)
    page.wait_for_url("**/t/**")
    page.get_by_role("link", name="Imports", exact=True).click()
    page.get_by_label("Workbook (.xlsx)").set_input_files(str(export))
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url("**/imports/*-*/")
    page.get_by_test_id("map-link").click()
    page.wait_for_url("**/map/")

    number = page.get_by_label("Billing Customer Number", exact=True)
    assert number.locator("option:checked").inner_text() == "AccountNumber"
    assert "Kiwi Traders" in page.get_by_test_id("mapping").inner_text()
    # Attention: the contact's first name instead of the proposed POAttentionTo.
    page.get_by_label("Billing Customer Attn Name", exact=True).select_option(label="FirstName")
    page.get_by_label("Save this mapping as").fill("Xero contacts")
    screenshot("mapping")
    page.get_by_role("button", name="Save the mapping and check the file").click()
    page.wait_for_selector("text=Columns mapped by Xero contacts")
    assert "Tui Imports" in page.get_by_test_id("changes").inner_text()
    page.get_by_role("button", name="Apply 2 valid rows").click()
    page.wait_for_selector("text=Changes made")
    with scope(tenant=alice.tenant.pk):
        assert ColumnMapping.objects.get().pairs["Billing Customer Attn Name"] == "FirstName"
        assert Customer.objects.get(number="000778").attention_name == "Aroha"
