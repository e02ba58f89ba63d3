"""The command line (R41, R42) and the export's round trip."""

import pytest
from django_scopes import scope
from openpyxl import load_workbook

from customers.models import Customer
from imports.models import ImportBatch
from tests.factories import import_file, make_customer
from tests.imports import workbooks as wb
from tests.imports.commands import export_command, import_command

pytestmark = pytest.mark.django_db


def test_exit_0_when_applied(alice, tmp_path, capsys):
    """R41: applied -> exit 0, with the summary printed."""
    assert import_command(alice, wb.basic_file(tmp_path / "a.xlsx", [wb.customer("100")])) == 0
    assert "1 new customers" in capsys.readouterr().out
    with scope(tenant=alice.tenant.pk):
        assert Customer.objects.filter(number="100").exists()


def test_dry_run_writes_nothing(alice, tmp_path):
    """R41: --dry-run exits 0 when valid and leaves no trace."""
    path = wb.basic_file(tmp_path / "a.xlsx", [wb.customer("100")])
    assert import_command(alice, path, "--dry-run") == 0
    with scope(tenant=alice.tenant.pk):
        assert not Customer.objects.exists() and not ImportBatch.objects.exists()


def test_exit_1_on_row_errors_unless_skip_errors(alice, tmp_path, capsys):
    """R41: row errors -> exit 1 and nothing applied, unless --skip-errors."""
    path = wb.basic_file(tmp_path / "a.xlsx", [wb.customer("100", Email="x"), wb.customer("200")])
    assert import_command(alice, path) == 1
    assert "Row 2, Billing Customer Email: error" in capsys.readouterr().out
    with scope(tenant=alice.tenant.pk):
        assert not Customer.objects.exists()
    assert import_command(alice, path, "--skip-errors") == 0
    with scope(tenant=alice.tenant.pk):
        assert list(Customer.objects.values_list("number", flat=True)) == ["200"]


def test_exit_2_when_refused(alice, tmp_path, capsys):
    """R41: a refused file -> exit 2 with the reason."""
    assert import_command(alice, wb.entity_bomb(tmp_path)) == 2
    assert "DOCTYPE" in capsys.readouterr().err


@pytest.mark.parametrize("template", ["basic", "full"])
def test_export_reimported_changes_nothing(alice, tmp_path, template):
    """R42: importing an export unchanged changes nothing."""
    bill = {"Number": "B1", "Name 1": "Billing", "State": "TX", "Zip": 1234, "Country": "US"}
    assert (
        import_command(
            alice,
            wb.full_file(
                tmp_path / "seed.xlsx",
                [
                    (bill, {"Number": "S1", "Name 1": "Ship", "State": "OK"}),
                    (bill, {"Number": "S2", "Name 1": "Ship 2", "State": "NM", "Phone": "-5"}),
                    ({"Number": "007", "Name 1": "Zero Zero Seven", "State": "ON"}, None),
                ],
            ),
        )
        == 0
    )
    make_customer(alice.company, "C1", "=1+1", phone="+1 555")
    out = tmp_path / "export.xlsx"
    export_command(alice, out, "--template", template)
    result = import_file(out, tenant=alice.tenant, company=alice.company, dry_run=True)
    counts = result.counts
    assert result.status == "valid"
    assert counts["new"] == counts["updated"] == counts["erased"] == 0
    assert counts["zones_added"] == counts["links_added"] == 0
    assert counts["unchanged"] == 5


def test_export_keeps_formulas_as_text(alice, tmp_path):
    """R42: a value starting with = + - or @ is written as text, never as a formula."""
    make_customer(alice.company, "100", "=1+1", address_line2="@cmd", phone="-5")
    out = tmp_path / "export.xlsx"
    export_command(alice, out)
    sheet = load_workbook(out).active
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, sheet[2], strict=True))
    name = row["Billing Customer Name 1"]
    assert name.value == "=1+1" and name.data_type == "s" and name.quotePrefix
    assert row["Billing Customer Address 2"].data_type == "s"
    assert row["Billing Customer Phone"].value == "-5"


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_file_of_titles_only_is_refused(alice, tmp_path, capsys, suffix):
    """R38: a file with the titles and no customer rows has nothing to apply: it is refused
    (exit 2) with a message saying so, never an "Apply 0 valid rows"."""
    path = tmp_path / f"titles.{suffix}"
    if suffix == "csv":
        path.write_text(",".join(wb.BASIC) + "\r\n", encoding="utf-8")
    else:
        wb.write_xlsx(path, wb.BASIC, [[], []])
    assert import_command(alice, path) == 2
    assert "The file has titles but no customer rows" in capsys.readouterr().err
    with scope(tenant=alice.tenant.pk):
        assert not Customer.objects.exists()
