"""The import engine end to end on real workbooks (R33-R38, R14)."""

import pytest
from django_scopes import scope

from imports.models import ChangeKind, ImportChange
from tests.factories import make_customer
from tests.imports import workbooks as wb

pytestmark = pytest.mark.django_db


def test_new_and_updated_customers(tmp_path, run_import, customers, zones):
    """R34: an existing number is updated from the file, a new number creates a customer."""

    result = run_import(
        wb.basic_file(
            tmp_path / "a.xlsx",
            [wb.customer("100", City="Dallas", Ship="TX"), wb.customer("200", Ship="OK")],
        )
    )
    assert result.status == "applied" and result.exit_code == 0
    assert result.counts["new"] == 2 and result.counts["zones_added"] == 2
    assert customers()["100"].city == "Dallas"
    result = run_import(
        wb.basic_file(tmp_path / "b.xlsx", [wb.customer("100", City="Houston", Ship="TX")])
    )
    assert result.counts["new"] == 0 and result.counts["updated"] == 1
    assert customers()["100"].city == "Houston"
    assert zones("100") == ["TX"]


def test_deleted_column_leaves_field_untouched(alice, tmp_path, run_import, customers):
    """R33: a column absent from the file leaves that field untouched."""
    make_customer(alice.company, "100", "Acme", phone="555-0100", city="Austin")
    titles = [t for t in wb.BASIC if t != "Billing Customer Phone"]
    run_import(wb.basic_file(tmp_path / "a.xlsx", [wb.customer("100", City="Waco")], titles))
    stored = customers()["100"]
    assert stored.phone == "555-0100" and stored.city == "Waco"


def test_blank_cell_erases_field(alice, tmp_path, run_import, customers):
    """R33: in a present column, a blank cell (or only spaces) erases the stored value."""
    make_customer(alice.company, "100", "Acme", phone="555-0100", fax="555-0101")
    result = run_import(
        wb.basic_file(tmp_path / "a.xlsx", [wb.customer("100", Name_1="Acme", Phone="", Fax="   ")])
    )
    assert result.status == "applied"
    assert result.counts["erased"] == 2
    assert customers()["100"].phone == "" and customers()["100"].fax == ""


def test_blank_name_is_a_row_error(alice, tmp_path, run_import, customers):
    """R33: a blank name is a row error, for new customers and existing ones alike."""
    make_customer(alice.company, "100", "Acme")
    result = run_import(
        wb.basic_file(
            tmp_path / "a.xlsx",
            [wb.customer("100", Name_1=""), wb.customer("200", Name_1=" "), wb.customer("300")],
        )
    )
    assert result.status == "invalid" and result.exit_code == 1
    assert {(i.row, i.column) for i in result.issues} == {
        (2, "Billing Customer Name 1"),
        (3, "Billing Customer Name 1"),
    }
    assert customers()["100"].name1 == "Acme" and "300" not in customers()


def test_new_customer_without_name_column_is_an_error(tmp_path, run_import, customers):
    """R33: a new customer needs a name even when the name column was deleted."""
    titles = ["Billing Customer Number", "Billing Customer City"]
    result = run_import(wb.write_xlsx(tmp_path / "a.xlsx", titles, [["100", "Austin"]]))
    assert result.status == "invalid"
    assert result.issues[0].column == "Billing Customer Name 1"
    assert customers() == {}


def test_skip_errors_applies_the_valid_rows(tmp_path, run_import, customers):
    """R38: rows with errors are skipped and listed; the valid rows are applied."""
    result = run_import(
        wb.basic_file(
            tmp_path / "a.xlsx", [wb.customer("100", Email="not-an-email"), wb.customer("200")]
        ),
        skip_errors=True,
    )
    assert result.status == "applied"
    assert [(i.row, i.column) for i in result.issues] == [(2, "Billing Customer Email")]
    assert set(customers()) == {"200"}


def test_numeric_number_and_zip(tmp_path, run_import, customers):
    """R34: numbers read from number cells keep their digits; a short US ZIP is padded, with
    a warning."""
    path = wb.write_xlsx(
        tmp_path / "a.xlsx",
        wb.BASIC[:12],
        [[1234567890123, "", "", "Numeric", "", "", "1 Main", "", "Boston", "MA", "US", 2134]],
    )
    result = run_import(path)
    assert result.status == "applied"
    stored = customers()["1234567890123"]
    assert stored.zip == "02134"
    (warning,) = result.issues
    assert warning.level == "warning" and warning.column == "Billing Customer Zip"


def test_cloned_rows_merge_into_one_customer_with_zones(tmp_path, run_import, customers, zones):
    """R35: rows with the same number are one customer; each row's state adds a zone."""
    result = run_import(
        wb.basic_file(
            tmp_path / "a.xlsx",
            [
                wb.customer("100", Ship="TX"),
                wb.customer("100", Ship="OK"),
                wb.customer(" 100 ", Ship="ON", Email="ap100@example.com", Name_1="Customer 100"),
            ],
        )
    )
    assert result.status == "applied" and result.counts["new"] == 1
    assert zones("100") == ["OK", "ON", "TX"]


def test_cloned_rows_that_disagree_are_an_error(tmp_path, run_import, customers):
    """R35: clones that disagree (a blank against a value counts) are an error naming the rows
    and columns, and that customer is not written."""
    result = run_import(
        wb.basic_file(
            tmp_path / "a.xlsx",
            [
                wb.customer("100", Ship="TX", Phone="555"),
                wb.customer("200"),
                wb.customer("100", Ship="OK", Phone=""),
            ],
        ),
        skip_errors=True,
    )
    assert result.status == "applied"
    errors = [i for i in result.issues if i.level == "error"]
    assert {(i.row, i.column) for i in errors} == {
        (2, "Billing Customer Phone"),
        (4, "Billing Customer Phone"),
    }
    assert "rows 2, 4" in errors[0].message
    assert set(customers()) == {"200"}


def test_full_template_links_shipping_customers(tmp_path, run_import, customers, alice):
    """R36: each row creates or updates the shipping customer (kind ship-to), links it, and its
    state becomes a zone; a blank shipping number updates the billing customer only."""
    bill = {"Number": "B1", "Name 1": "Billing One", "State": "TX"}
    result = run_import(
        wb.full_file(
            tmp_path / "a.xlsx",
            [
                (bill, {"Number": "S1", "Name 1": "Ship One", "State": "OK"}),
                (bill, {"Number": "S2", "Name 1": "Ship Two", "State": "NM"}),
                ({"Number": "B2", "Name 1": "Billing Two"}, None),
            ],
        )
    )
    assert result.status == "applied", result.issues
    stored = customers()
    assert stored["S1"].kind == "ship-to" and stored["B1"].kind == "bill-to"
    with scope(tenant=alice.tenant.pk):
        assert sorted(stored["B1"].shipping_customers.values_list("number", flat=True)) == [
            "S1",
            "S2",
        ]
        assert list(stored["S2"].zones.values_list("region", flat=True)) == ["NM"]
        assert not stored["B2"].shipping_customers.exists()


def test_zones_are_added_unless_replace(alice, tmp_path, run_import, zones):
    """R37: zones from an upload are added and none removed, unless "replace" is ticked."""
    run_import(
        wb.basic_file(
            tmp_path / "a.xlsx", [wb.customer("100", Ship="TX"), wb.customer("100", Ship="OK")]
        )
    )
    run_import(wb.basic_file(tmp_path / "b.xlsx", [wb.customer("100", Ship="NM")]))
    assert zones("100") == ["NM", "OK", "TX"]
    result = run_import(
        wb.basic_file(tmp_path / "c.xlsx", [wb.customer("100", Ship="NM")]), replace=True
    )
    assert result.counts["zones_removed"] == 2
    assert zones("100") == ["NM"]


def test_replace_links(tmp_path, run_import, customers, alice):
    """R37: with "replace", a billing customer's links are those of the file."""
    bill = {"Number": "B1", "Name 1": "Billing One"}
    run_import(
        wb.full_file(
            tmp_path / "a.xlsx",
            [(bill, {"Number": "S1", "Name 1": "S"}), (bill, {"Number": "S2", "Name 1": "T"})],
        )
    )
    run_import(
        wb.full_file(tmp_path / "b.xlsx", [(bill, {"Number": "S2", "Name 1": "T"})]), replace=True
    )
    with scope(tenant=alice.tenant.pk):
        assert list(customers()["B1"].shipping_customers.values_list("number", flat=True)) == ["S2"]


def test_preview_lists_changes_before_writing(alice, tmp_path, run_import, customers):
    """R38: the preview counts and lists each field's old and new value, writing nothing."""
    make_customer(alice.company, "100", "Acme", city="Austin", phone="555")
    result = run_import(
        wb.basic_file(
            tmp_path / "a.xlsx",
            [wb.customer("100", Name_1="Acme", City="Dallas", Phone=""), wb.customer("200")],
        ),
        dry_run=True,
    )
    assert result.status == "valid"
    assert result.counts["new"] == 1 and result.counts["updated"] == 1
    assert result.counts["erased"] == 1
    assert customers()["100"].city == "Austin" and "200" not in customers()


def test_locked_main_address_is_refused(alice, tmp_path, run_import, customers):
    """R18: a tax component of a main address that a document uses cannot change by import."""
    from tests.factories import make_document

    acme = make_customer(alice.company, "100", "Acme", city="Austin")
    make_document(acme, ["TX"], uses_main_address=True)
    result = run_import(
        wb.basic_file(
            tmp_path / "a.xlsx",
            [wb.customer("100", Name_1="Acme", City="Dallas", Address_1="2 Side St")],
        )
    )
    assert result.status == "invalid"
    assert "locked" in result.issues[0].message
    assert result.issues[0].column == "Billing Customer City"
    assert customers()["100"].city == "Austin"


def test_history_names_the_batch_and_user(alice, tmp_path, run_import):
    """R14: the bulk writes are in the history with the user and the import batch."""
    from customers.models import Customer

    run_import(wb.basic_file(tmp_path / "a.xlsx", [wb.customer("100", Ship="TX")]))
    result = run_import(wb.basic_file(tmp_path / "b.xlsx", [wb.customer("100", City="Waco")]))
    with scope(tenant=alice.tenant.pk):
        event = Customer.pgh_event_model.objects.filter(number="100").order_by("pgh_id").last()
        assert event.pgh_label == "update" and event.city == "Waco"
        assert event.pgh_context.metadata["import_batch"] == str(result.batch.public_id)
        assert event.pgh_context.metadata["user"] == alice.editor.pk


def test_history_is_written_once_and_triggers_work_again_after(alice, tmp_path, run_import):
    """R14: the engine's own history rows replace the triggers' (one event per write, not two),
    and a save in the same transaction after the import is recorded by the trigger again."""
    from django.db import transaction

    from customers.models import Customer, ShipToZone

    with transaction.atomic():
        run_import(wb.basic_file(tmp_path / "a.xlsx", [wb.customer("100", Ship="TX")]))
        with scope(tenant=alice.tenant.pk):
            customer = Customer.objects.get(number="100")
            customer.city = "Waco"
            customer.save()
            events = Customer.pgh_event_model.objects.filter(pgh_obj_id=customer.pk)
            assert [e.pgh_label for e in events.order_by("pgh_id")] == ["insert", "update"]
            zone_events = ShipToZone.pgh_event_model.objects.filter(customer_id=customer.pk)
            assert [e.pgh_label for e in zone_events] == ["insert"]


def test_changes_are_recorded_per_field(alice, tmp_path, run_import):
    """R39: the batch keeps the before-values it overwrote."""
    make_customer(alice.company, "100", "Acme", city="Austin")
    result = run_import(
        wb.basic_file(tmp_path / "a.xlsx", [wb.customer("100", Name_1="Acme", City="Dallas")])
    )
    with scope(tenant=alice.tenant.pk):
        change = ImportChange.objects.get(batch=result.batch, field="city")
    assert (change.old, change.new, change.kind) == ("Austin", "Dallas", ChangeKind.CHANGE)


def test_company_requiring_tax_fields(alice, tmp_path, run_import, customers):
    """R9: when the company requires the six tax fields, a row without them is an error, and a
    new customer needs them even when their columns were deleted."""
    from companies.models import Company

    with scope(tenant=alice.tenant.pk):
        Company.objects.filter(pk=alice.company.pk).update(require_tax_fields=True)
        alice.company.refresh_from_db()
    result = run_import(wb.basic_file(tmp_path / "a.xlsx", [wb.customer("100", City="")]))
    assert [(i.row, i.column) for i in result.issues] == [(2, "Billing Customer City")]
    titles = ["Billing Customer Number", "Billing Customer Name 1"]
    result = run_import(wb.write_xlsx(tmp_path / "b.xlsx", titles, [["200", "Acme"]]))
    assert result.status == "invalid"
    assert "Billing Customer Address 1" in result.issues[0].column
    assert customers() == {}


@pytest.mark.parametrize(
    ("numbers", "one_each"), [(["1", "2", "3"], True), (["1", "2", "1"], False)]
)
def test_the_plan_groups_rows_only_when_a_customer_repeats(numbers, one_each):
    """R35, P2: indexing the loaded records tells whether a customer has several rows (then the
    plan groups them); a file of one row per customer is planned without grouping."""
    from django.db import connection

    from imports.engine import _index_records

    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE imp_rec (number text, company_id int8)")
        cursor.executemany("INSERT INTO imp_rec VALUES (%s, 1)", [[n] for n in numbers])
        assert _index_records(cursor, "imp_rec") is one_each
        cursor.execute("SELECT count(*) FROM pg_indexes WHERE tablename = 'imp_rec'")
        assert cursor.fetchone()[0] == 1
        cursor.execute("DROP TABLE imp_rec")
