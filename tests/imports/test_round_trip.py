"""Exports that import back unchanged, and the `Company Code` column (R42, R36)."""

import io

import pytest
from django_scopes import scope
from openpyxl import load_workbook

from customers.models import Customer, ShipToLink, ShipToZone
from imports.columns import COMPANY_CODE_TITLE, template_titles
from tests.factories import import_file, make_company, make_customer, make_membership
from tests.imports import workbooks as wb
from tests.imports.commands import export_command, import_command

pytestmark = pytest.mark.django_db

NO_CHANGE = (
    "new",
    "updated",
    "erased",
    "fields_changed",
    "zones_added",
    "zones_removed",
    "links_added",
    "links_removed",
    "errors",
)


@pytest.fixture
def tree(alice):
    """HQ > WEST > WEST-CA, the same customer numbers in several companies, zones, links, and a
    shipping customer whose state is not among its zones (made by hand, not by an import)."""
    west = make_company(alice.tenant, "WEST", parent=alice.company)
    west_ca = make_company(alice.tenant, "WEST-CA", parent=west)
    with scope(tenant=alice.tenant.pk):
        for company in (alice.company, west, west_ca):
            billing = make_customer(
                company, "100", f"Billing of {company.code}", phone="+1 512 555 0100"
            )
            shipping = make_customer(
                company, "S-1", "Dock", state="OK", zip="74103", kind="ship-to"
            )
            make_customer(company, "007", "=Zero", state="ON", country="CA", zip="M5H 2N2")
            ShipToLink.objects.create(tenant=alice.tenant, billing=billing, shipping=shipping)
            for region in ("TX", "NM"):
                ShipToZone.objects.create(tenant=alice.tenant, customer=billing, region=region)
    return {"west": west, "west_ca": west_ca}


def _snapshot(alice):
    with scope(tenant=alice.tenant.pk):
        return (
            sorted(
                Customer.objects.values_list(
                    "company__code", "number", "name1", "phone", "state", "zip"
                )
            ),
            sorted(ShipToZone.objects.values_list("customer_id", "region")),
            sorted(ShipToLink.objects.values_list("billing_id", "shipping_id")),
        )


def _export(alice, path, template, *, descendants):
    options = ["--template", template] + (["--descendants"] if descendants else [])
    export_command(alice, path, *options)
    return path


@pytest.mark.parametrize("descendants", [False, True], ids=["one-company", "with-descendants"])
@pytest.mark.parametrize("template", ["basic", "full"])
def test_every_export_imports_back_with_no_change(alice, tree, tmp_path, template, descendants):
    """R42, R36: an export (basic or full, one company or with descendants) imported into the
    company it came from changes nothing: no new customers, fields, zones or links."""
    before = _snapshot(alice)
    path = _export(alice, tmp_path / "export.xlsx", template, descendants=descendants)
    header = next(load_workbook(path).active.iter_rows(max_row=1, values_only=True))
    assert (header[0] == COMPANY_CODE_TITLE) is descendants
    result = import_file(path, tenant=alice.tenant, company=alice.company, user=alice.editor)
    assert result.status == "applied", result.issues
    assert {key: result.counts[key] for key in NO_CHANGE} == dict.fromkeys(NO_CHANGE, 0)
    assert result.counts["unchanged"] == (9 if descendants else 3)
    assert _snapshot(alice) == before


def test_export_with_descendants_from_the_page_imports_back(alice, tree, login, tmp_path):
    """R42: the app's export with descendants has the `Company Code` column and imports back
    into the working company with no change."""
    response = login(alice.viewer).get(
        alice.url("imports/export/"), {"template": "full", "descendants": "on"}
    )
    path = tmp_path / "page.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0] == (COMPANY_CODE_TITLE, *template_titles("full"))
    assert {row[0] for row in rows[1:]} == {"ALICE-HQ", "WEST", "WEST-CA"}
    before = _snapshot(alice)
    result = import_file(path, tenant=alice.tenant, company=alice.company, user=alice.editor)
    assert result.status == "applied" and result.counts["unchanged"] == 9
    assert _snapshot(alice) == before


def test_full_import_adds_a_state_zone_only_when_it_creates_or_moves_the_shipping_customer(
    alice, tree, tmp_path
):
    """R36: a shipping customer's state becomes a zone when the row creates it or changes its
    state; a row repeating the stored state adds none."""
    billing = {
        "Number": "100",
        "Name 1": "Billing of ALICE-HQ",
        "Address 1": "1 Main St",
        "City": "Austin",
        "State": "TX",
        "Country": "US",
        "Zip": "78701",
        "Phone": "+1 512 555 0100",
    }
    dock = {
        "Number": "S-1",
        "Name 1": "Dock",
        "Address 1": "1 Main St",
        "City": "Austin",
        "Country": "US",
    }
    path = wb.full_file(
        tmp_path / "a.xlsx",
        [
            (billing, {**dock, "State": "OK", "Zip": "74103"}),
            (billing, {"Number": "S-2", "Name 1": "New dock", "State": "NM"}),
        ],
    )
    result = import_file(path, tenant=alice.tenant, company=alice.company)
    assert result.counts["zones_added"] == 1 and result.counts["new"] == 1
    path = wb.full_file(tmp_path / "b.xlsx", [(billing, {**dock, "State": "KS", "Zip": "66101"})])
    assert import_file(path, tenant=alice.tenant, company=alice.company).counts["zones_added"] == 1
    with scope(tenant=alice.tenant.pk):
        regions = ShipToZone.objects.filter(customer__company=alice.company)
        assert sorted(regions.filter(customer__number="S-1").values_list("region", flat=True)) == [
            "KS"
        ]
        assert regions.filter(customer__number="S-2", region="NM").exists()


def test_company_code_routes_rows_to_the_companies_below(alice, bob, tree, tmp_path):
    """R42: a `Company Code` cell routes its row to that company, which must be the picked one
    or below it (spaces and invisible characters around the code ignored, R49); a blank cell
    means the picked company; an unknown code, another tenant's, or one above the picked
    company is a row error naming the row and the column."""
    west = tree["west"]
    header = [COMPANY_CODE_TITLE, *wb.BASIC]
    rows = [
        [code, *wb.basic_rows([wb.customer(number)])[0]]
        for code, number in [
            ("WEST-CA", "N-1"),
            ("", "N-2"),
            ("\u00a0WEST\u200b ", "N-3"),
            ("NOPE", "N-4"),
            (bob.company.code, "N-5"),
            (alice.company.code, "N-6"),
        ]
    ]
    path = wb.write_xlsx(tmp_path / "codes.xlsx", header, rows)
    result = import_file(
        path, tenant=alice.tenant, company=west, user=alice.editor, skip_errors=True
    )
    assert result.status == "applied"
    assert [(i.row, i.column) for i in result.issues] == [
        (5, COMPANY_CODE_TITLE),
        (6, COMPANY_CODE_TITLE),
        (7, COMPANY_CODE_TITLE),
    ]
    assert "'NOPE' is not the code of the picked company" in result.issues[0].message
    with scope(tenant=alice.tenant.pk):
        placed = sorted(
            Customer.objects.filter(number__startswith="N-").values_list("number", "company__code")
        )
    assert placed == [("N-1", "WEST-CA"), ("N-2", "WEST"), ("N-3", "WEST")]


def test_company_code_stops_at_the_companies_the_uploader_reaches(alice, tree, tmp_path):
    """R42, R2: a user limited to WEST-CA, importing into it, cannot route a row to WEST (its
    parent), even though it is in the tenant."""
    limited = make_membership(alice.tenant, role="editor", companies=[tree["west_ca"]]).user
    header = [COMPANY_CODE_TITLE, *wb.BASIC]
    rows = [
        ["WEST", *wb.basic_rows([wb.customer("N-1")])[0]],
        ["WEST-CA", *wb.basic_rows([wb.customer("N-2")])[0]],
    ]
    path = wb.write_xlsx(tmp_path / "codes.xlsx", header, rows)
    result = import_file(
        path, tenant=alice.tenant, company=tree["west_ca"], user=limited, skip_errors=True
    )
    assert [(i.row, i.column) for i in result.issues] == [(2, COMPANY_CODE_TITLE)]
    with scope(tenant=alice.tenant.pk):
        assert list(
            Customer.objects.filter(number__startswith="N-").values_list("number", "company__code")
        ) == [("N-2", "WEST-CA")]


def test_routed_import_undoes_in_every_company(alice, tree, tmp_path):
    """R39, R42: undoing a batch that wrote to several companies restores each of them."""
    from imports.services import batch_undo

    before = _snapshot(alice)
    header = [COMPANY_CODE_TITLE, *wb.BASIC]
    rows = [
        ["WEST-CA", *wb.basic_rows([wb.customer("100", City="Dallas")])[0]],
        ["WEST", *wb.basic_rows([wb.customer("NEW")])[0]],
    ]
    path = wb.write_xlsx(tmp_path / "codes.xlsx", header, rows)
    result = import_file(path, tenant=alice.tenant, company=alice.company, user=alice.editor)
    assert result.counts["new"] == 1 and result.counts["updated"] == 1
    with scope(tenant=alice.tenant.pk):
        assert Customer.objects.get(company=tree["west_ca"], number="100").city == "Dallas"
        batch_undo(batch=result.batch, user=alice.editor)
    assert _snapshot(alice) == before


def test_export_of_a_value_stored_before_the_character_rule(alice, tmp_path):
    """R49: a customer name holding U+000B, written straight into the table before the rule,
    still exports (the character replaced by U+FFFD), and so do the error file's writer and
    the template."""
    with scope(tenant=alice.tenant.pk):
        Customer.objects.create(
            tenant=alice.tenant,
            company=alice.company,
            number="VT-1",
            name1="Vertical\x0bTab",
            city="Waco\x1f",
        )
    path = _export(alice, tmp_path / "export.xlsx", "basic", descendants=False)
    row = next(load_workbook(path).active.iter_rows(min_row=2, values_only=True))
    assert row[3] == "Vertical\ufffdTab" and row[8] == "Waco\ufffd"
    result = import_file(path, tenant=alice.tenant, company=alice.company, dry_run=True)
    assert result.counts["fields_changed"] == 2  # importing it back cleans the values


def test_export_page_holds_a_value_stored_before_the_character_rule(alice, login):
    """R49: the app's export of such a value answers 200 with a readable workbook."""
    with scope(tenant=alice.tenant.pk):
        Customer.objects.create(
            tenant=alice.tenant, company=alice.company, number="VT-1", name1="=Vertical\x0bTab"
        )
    response = login(alice.viewer).get(alice.url("imports/export/?template=full"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    name = sheet["D2"]
    assert name.value == "=Vertical\ufffdTab" and name.data_type == "s" and name.quotePrefix


def test_command_line_round_trip_with_descendants(alice, tree, tmp_path, capsys):
    """R41, R42: `export_customers --descendants` then `import_customers` of that file into the
    same company exits 0 and changes nothing (the command line reaches every company below)."""
    before = _snapshot(alice)
    path = _export(alice, tmp_path / "export.xlsx", "full", descendants=True)
    code = import_command(alice, path)
    assert code == 0
    assert "0 new customers, 0 updated, 9 unchanged" in capsys.readouterr().out
    assert _snapshot(alice) == before
