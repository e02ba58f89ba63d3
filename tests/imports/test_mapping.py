"""Column mapping (R58): a file whose titles are not the template's is refused as R32 says and
offers a mapping: proposed from the titles, confirmed or changed, saved under a name for the
company, reused for the same titles and by `import_customers --mapping NAME`."""

import pytest
from django_scopes import scope

from imports.mapping import KNOWN_TITLES, propose
from imports.models import ColumnMapping, ImportBatch, ImportChange, Status
from imports.services import mapping_save
from tests.factories import import_file, make_company, make_customer
from tests.imports import workbooks as wb
from tests.imports.commands import import_command
from tests.imports.test_csv import write_csv

pytestmark = pytest.mark.django_db

# A QuickBooks Desktop customer list export (its field titles; the data invented).
QUICKBOOKS = [
    "Name",
    "Company Name",
    "Contact",
    "Phone",
    "Fax",
    "Email",
    "Bill Address 1",
    "Bill Address 2",
    "Bill City",
    "Bill State",
    "Bill Zip",
    "Bill Country",
    "Ship State",
    "Account Number",
    "Resale Number",
    "Balance",
]
QUICKBOOKS_ROWS = [
    [
        "Acme",
        "Acme Tools LLC",
        "Ann Lee",
        "512-555-0100",
        "",
        "ap@acme.example",
        "1 Main St",
        "",
        "Austin",
        "TX",
        "78701",
        "US",
        "OK",
        "00042",
        "R-1",
        "10.00",
    ],
    [
        "Bolt",
        "Bolt Supply",
        "",
        "",
        "",
        "",
        "9 Oak Ave",
        "Unit 2",
        "Boston",
        "MA",
        "02134",
        "US",
        "",
        "0100",
        "",
        "0",
    ],
]
# A Xero contacts export (its column titles; the data invented).
XERO = [
    "ContactName",
    "AccountNumber",
    "EmailAddress",
    "FirstName",
    "LastName",
    "POAttentionTo",
    "POAddressLine1",
    "POAddressLine2",
    "POAddressLine3",
    "POAddressLine4",
    "POCity",
    "PORegion",
    "POPostalCode",
    "POCountry",
    "SAAttentionTo",
    "SAAddressLine1",
    "SAAddressLine2",
    "SAAddressLine3",
    "SAAddressLine4",
    "SACity",
    "SARegion",
    "SAPostalCode",
    "SACountry",
    "PhoneNumber",
    "FaxNumber",
    "MobileNumber",
    "TaxNumber",
]
XERO_ROW = {
    "ContactName": "Kiwi Traders",
    "AccountNumber": "000777",
    "EmailAddress": "ar@kiwi.example",
    "POAttentionTo": "Accounts",
    "POAddressLine1": "5 Pine Rd",
    "POCity": "Portland",
    "PORegion": "OR",
    "POPostalCode": "97201",
    "POCountry": "US",
    "SARegion": "WA",
    "PhoneNumber": "503-555-0199",
    "TaxNumber": "12-3456789",
}


def _pairs(header) -> dict:
    return {
        title: (header[index] if index is not None else "")
        for title, index in propose(header).items()
    }


def test_quickbooks_titles_are_proposed():
    """R58: a QuickBooks export's usual titles are proposed for the template fields."""
    pairs = _pairs(QUICKBOOKS)
    assert pairs["Billing Customer Number"] == "Account Number"
    assert pairs["Billing Customer Name 1"] == "Company Name"
    assert pairs["Billing Customer Attn Name"] == "Contact"
    assert pairs["Billing Customer Address 1"] == "Bill Address 1"
    assert pairs["Billing Customer Address 2"] == "Bill Address 2"
    assert pairs["Billing Customer City"] == "Bill City"
    assert pairs["Billing Customer State"] == "Bill State"
    assert pairs["Billing Customer Zip"] == "Bill Zip"
    assert pairs["Billing Customer Country"] == "Bill Country"
    assert pairs["Billing Customer Email"] == "Email"
    assert pairs["Shipping Customer State"] == "Ship State"
    assert len({v for v in pairs.values() if v}) == len([v for v in pairs.values() if v])


def test_xero_titles_are_proposed():
    """R58: a Xero contacts export's titles are proposed (PO address, SARegion as the zone)."""
    pairs = _pairs(XERO)
    assert pairs == {
        "Billing Customer Number": "AccountNumber",
        "Billing Customer Alternate ID": "",
        "Billing Customer FEIN": "TaxNumber",
        "Billing Customer Name 1": "ContactName",
        "Billing Customer Name 2": "",
        "Billing Customer Attn Name": "POAttentionTo",
        "Billing Customer Address 1": "POAddressLine1",
        "Billing Customer Address 2": "POAddressLine2",
        "Billing Customer City": "POCity",
        "Billing Customer State": "PORegion",
        "Billing Customer Country": "POCountry",
        "Billing Customer Zip": "POPostalCode",
        "Billing Customer Phone": "PhoneNumber",
        "Billing Customer Fax": "FaxNumber",
        "Billing Customer Email": "EmailAddress",
        "Shipping Customer State": "SARegion",
    }


def test_close_and_exact_titles_are_proposed():
    """R58: the template's own titles in any case, and close spellings, are proposed."""
    pairs = _pairs(["billing customer number", "Billing Custmer Name 1", "Other"])
    assert pairs["Billing Customer Number"] == "billing customer number"
    assert pairs["Billing Customer Name 1"] == "Billing Custmer Name 1"
    assert set(KNOWN_TITLES) == set(pairs)


def test_unknown_titles_are_refused_with_an_offer_to_map(tmp_path, run_import):
    """R58, R32: a file with other titles is still refused whole, and says it can be mapped."""
    result = run_import(write_csv(tmp_path / "qb.csv", QUICKBOOKS, QUICKBOOKS_ROWS))
    assert result.status == "refused"
    assert '"Name"' in result.message
    assert result.batch.mappable


def test_quickbooks_export_mapped_saved_and_reused_by_the_cli(
    alice, tmp_path, customers, zones, capsys
):
    """R58: a QuickBooks export mapped and saved under a name; `import_customers --mapping
    NAME` imports the next export with it; the same titles reuse it without asking."""
    path = write_csv(tmp_path / "qb.csv", QUICKBOOKS, QUICKBOOKS_ROWS)
    with scope(tenant=alice.tenant.pk):
        mapping_save(
            company=alice.company,
            user=alice.editor,
            name="QuickBooks",
            header=QUICKBOOKS,
            pairs=_pairs(QUICKBOOKS),
        )
    code = import_command(alice, path, "--mapping", "QuickBooks")
    assert code == 0, capsys.readouterr()
    stored = customers()
    assert set(stored) == {"00042", "0100"}
    assert stored["00042"].name1 == "Acme Tools LLC"
    assert stored["00042"].attention_name == "Ann Lee"
    assert stored["0100"].zip == "02134" and stored["0100"].address_line2 == "Unit 2"
    assert zones("00042") == ["OK"]
    # The next export, same titles in another order: the saved mapping is found by itself.
    order = list(reversed(range(len(QUICKBOOKS))))
    again = write_csv(
        tmp_path / "qb2.csv",
        [QUICKBOOKS[i] for i in order],
        [[row[i] for i in order] for row in QUICKBOOKS_ROWS],
    )
    result = import_file(again, tenant=alice.tenant, company=alice.company)
    assert result.status == "applied" and result.counts["unchanged"] == 2
    with scope(tenant=alice.tenant.pk):
        assert result.batch.mapping.name == "QuickBooks"


def test_unknown_mapping_name_is_refused(alice, tmp_path, capsys):
    """R58: `--mapping` with a name the company has not saved exits 2 and says so."""
    path = write_csv(tmp_path / "qb.csv", QUICKBOOKS, QUICKBOOKS_ROWS)
    code = import_command(alice, path, "--mapping", "Nope")
    assert code == 2
    assert 'No column mapping named "Nope"' in capsys.readouterr().err


def test_xero_export_mapped_saved_and_reused_by_the_cli(alice, tmp_path, customers, zones, capsys):
    """R58: a Xero contacts export mapped, saved, and used by `import_customers --mapping`."""
    path = write_csv(tmp_path / "Contacts.csv", XERO, [[XERO_ROW.get(t, "") for t in XERO]])
    with scope(tenant=alice.tenant.pk):
        mapping_save(
            company=alice.company, user=alice.editor, name="Xero", header=XERO, pairs=_pairs(XERO)
        )
    code = import_command(alice, path, "--mapping", "Xero")
    assert code == 0, capsys.readouterr()
    kiwi = customers()["000777"]
    assert (kiwi.name1, kiwi.city, kiwi.state, kiwi.zip, kiwi.fein) == (
        "Kiwi Traders",
        "Portland",
        "OR",
        "97201",
        "12-3456789",
    )
    assert zones("000777") == ["WA"]


def test_mapped_preview_equals_the_template_preview(alice, tmp_path):
    """R58: a mapped file's preview (counts and every change) equals that of the same data in
    the template."""
    other = make_company(alice.tenant, "TWIN", "Twin")
    for company in (alice.company, other):
        make_customer(company, "000777", "Kiwi Old Name", city="Salem", state="OR", zip="97301")
        make_customer(company, "000888", "Untouched")
    template = wb.basic_file(
        tmp_path / "t.xlsx",
        [
            wb.customer(
                "000777",
                Name_1="Kiwi Traders",
                Attn_Name="Accounts",
                Address_1="5 Pine Rd",
                City="Portland",
                State="OR",
                Country="US",
                Zip="97201",
                Phone="503-555-0199",
                Email="ar@kiwi.example",
                FEIN="12-3456789",
                Ship="WA",
            )
        ],
    )
    mapped = write_csv(tmp_path / "x.csv", XERO, [[XERO_ROW.get(t, "") for t in XERO]])
    with scope(tenant=alice.tenant.pk):
        mapping_save(company=other, user=alice.editor, name="Xero", header=XERO, pairs=_pairs(XERO))
    plain = import_file(template, tenant=alice.tenant, company=alice.company)
    through = import_file(mapped, tenant=alice.tenant, company=other, mapping="Xero")
    assert plain.status == through.status == "applied"
    assert plain.counts == through.counts

    def changes(batch):
        with scope(tenant=alice.tenant.pk):
            return sorted(
                ImportChange.objects.filter(batch=batch).values_list(
                    "number", "field", "old", "new", "kind"
                )
            )

    assert changes(plain.batch) == changes(through.batch) != []


def test_mapping_page_proposes_saves_and_previews(
    alice, login, tmp_path, django_capture_on_commit_callbacks
):
    """R58: the refused batch offers "Map the columns of this file"; the page proposes a
    column per field with its first rows; saving validates the file through the mapping."""
    path = write_csv(tmp_path / "qb.csv", QUICKBOOKS, QUICKBOOKS_ROWS)
    client = login(alice.editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(alice.url("imports/"), {"file": wb.upload(path)})
    batch_url = response["Location"]
    page = client.get(batch_url).content.decode()
    assert "Map the columns of this file" in page
    map_url = batch_url + "map/"
    form = client.get(map_url)
    assert form.status_code == 200
    html = form.content.decode()
    assert "Acme Tools LLC" in html  # the first rows of the proposed column
    assert '<option value="13" selected>Account Number</option>' in html
    data = {
        "name": "QuickBooks",
        **{
            f"column_{i}": str(index) if index is not None else ""
            for i, index in enumerate(propose(QUICKBOOKS).values())
        },
    }
    data["column_3"] = "0"  # Name 1 from "Name" instead of "Company Name"
    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(map_url, data)
    assert saved.status_code == 302 and saved["Location"] == batch_url
    with scope(tenant=alice.tenant.pk):
        batch = ImportBatch.objects.get()
        assert batch.status == Status.READY and batch.mapping.name == "QuickBooks"
        assert ColumnMapping.objects.get().pairs["Billing Customer Name 1"] == "Name"
    preview = client.get(batch_url).content.decode()
    assert "Columns mapped by QuickBooks" in preview and "Acme" in preview


def test_mapping_page_needs_the_key(alice, login, tmp_path, django_capture_on_commit_callbacks):
    """R58: the key must be mapped and a column serves one field; errors beside the fields."""
    path = write_csv(tmp_path / "qb.csv", QUICKBOOKS, QUICKBOOKS_ROWS)
    client = login(alice.editor)
    with django_capture_on_commit_callbacks(execute=True):
        batch_url = client.post(alice.url("imports/"), {"file": wb.upload(path)})["Location"]
    response = client.post(
        batch_url + "map/", {"name": "x", "column_0": "", "column_3": "1", "column_4": "1"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The customer number is the key" in html
    assert "is already paired with" in html
    with scope(tenant=alice.tenant.pk):
        assert not ColumnMapping.objects.exists()


def test_mapping_page_access(alice, bob, login, tmp_path, django_capture_on_commit_callbacks):
    """R58, R3: a viewer gets 403, another tenant's user 404, a visitor the log-in page."""
    path = write_csv(tmp_path / "qb.csv", QUICKBOOKS, QUICKBOOKS_ROWS)
    client = login(alice.editor)
    with django_capture_on_commit_callbacks(execute=True):
        batch_url = client.post(alice.url("imports/"), {"file": wb.upload(path)})["Location"]
    map_url = batch_url + "map/"
    assert login(alice.viewer).get(map_url).status_code == 403
    assert login(bob.owner).get(map_url).status_code == 404
    client.logout()
    assert client.get(map_url).status_code == 302


def test_mapping_page_of_a_batch_with_nothing_to_map(
    alice, login, tmp_path, django_capture_on_commit_callbacks
):
    """R58: a batch read from the template has no columns to map: back to it with a message."""
    path = wb.basic_file(tmp_path / "a.xlsx", [wb.customer("100")])
    client = login(alice.editor)
    with django_capture_on_commit_callbacks(execute=True):
        batch_url = client.post(alice.url("imports/"), {"file": wb.upload(path)})["Location"]
    response = client.get(batch_url + "map/", follow=True)
    assert response.redirect_chain == [(batch_url, 302)]
    assert "has columns to map" in response.content.decode()


def test_issues_of_a_mapped_file_name_its_own_columns(alice, tmp_path):
    """R58, R38: a row error of a mapped file names the file's column title, not the
    template's."""
    row = {**XERO_ROW, "EmailAddress": "not-an-email"}
    path = write_csv(tmp_path / "x.csv", XERO, [[row.get(t, "") for t in XERO]])
    with scope(tenant=alice.tenant.pk):
        mapping_save(
            company=alice.company, user=alice.editor, name="Xero", header=XERO, pairs=_pairs(XERO)
        )
    result = import_file(path, tenant=alice.tenant, company=alice.company, dry_run=True)
    assert result.status == "invalid"
    assert [(i.row, i.column) for i in result.issues] == [(2, "EmailAddress")]


def test_error_file_of_a_mapped_csv_marks_the_files_own_cells(
    alice, login, tmp_path, django_capture_on_commit_callbacks
):
    """R58, R38: a mapped CSV with a row error downloads back as a workbook with its own
    columns, the CertHub Errors column, and the faulty cell carrying its message."""
    import io

    from openpyxl import load_workbook

    row = {**XERO_ROW, "EmailAddress": "not-an-email"}
    path = write_csv(tmp_path / "x.csv", XERO, [[row.get(t, "") for t in XERO]])
    with scope(tenant=alice.tenant.pk):
        mapping_save(
            company=alice.company, user=alice.editor, name="Xero", header=XERO, pairs=_pairs(XERO)
        )
    client = login(alice.editor)
    with django_capture_on_commit_callbacks(execute=True):
        batch_url = client.post(alice.url("imports/"), {"file": wb.upload(path)})["Location"]
    response = client.get(batch_url + "errors.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    titles = [cell.value for cell in sheet[1]]
    assert titles == [*XERO, "CertHub Errors"]
    email = sheet.cell(row=2, column=XERO.index("EmailAddress") + 1)
    assert email.value == "not-an-email" and email.comment is not None


QB_ONLINE = ["Customer", "Company", "Street Address", "City", "State", "ZIP", "Email"]
QB_ONLINE_ROW = ["Acme", "Acme Tools LLC", "1 Main St", "Austin", "TX", "78701", "ap@acme.example"]


def test_foreign_titles_page_offers_the_mapping_not_the_command(
    alice, login, tmp_path, django_capture_on_commit_callbacks
):
    """R32, R58: a QuickBooks-style file is refused naming its first unknown title, with no
    far-fetched "closest valid title"; the page offers "Map the columns of this file" and
    does not talk about the command line."""
    path = write_csv(tmp_path / "qbo.csv", QB_ONLINE, [QB_ONLINE_ROW])
    client = login(alice.editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(alice.url("imports/"), {"file": wb.upload(path)})
    page = client.get(response["Location"]).content.decode()
    assert "The column title &quot;Customer&quot; (column A)" in page
    assert "closest valid title" not in page
    assert "--mapping" not in page and "import_customers" not in page
    assert "Map the columns of this file" in page


def test_foreign_titles_command_points_to_mapping_name(alice, tmp_path, capsys):
    """R32, R58: from `import_customers` the same refusal (exit 2) tells how to use a saved
    mapping (`--mapping NAME`)."""
    path = write_csv(tmp_path / "qbo.csv", QB_ONLINE, [QB_ONLINE_ROW])
    code = import_command(alice, path)
    assert code == 2
    err = capsys.readouterr().err
    assert 'The column title "Customer" (column A)' in err and "closest" not in err
    assert "--mapping NAME" in err
