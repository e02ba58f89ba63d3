"""Mirror imports (R59): a file that is the company's whole customer list makes the customers
missing from it inactive; inactive customers leave the default list, exposure and requests,
and are active again when a later file or an editor brings them back."""

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope

from customers.models import Customer, CustomerEvent, ShipToZone
from documents.coverage import Scope, exposed_customer_ids, exposure_summary
from imports.models import ChangeKind, ImportBatch, ImportChange, Status
from imports.services import batch_undo
from tests.factories import make_customer
from tests.imports import workbooks as wb
from tests.imports.commands import import_command

pytestmark = pytest.mark.django_db


def _four(alice):
    for number in ("100", "200", "300", "400"):
        make_customer(alice.company, number, f"Customer {number}")


def _active(alice) -> dict:
    with scope(tenant=alice.tenant.pk):
        return dict(
            Customer.objects.filter(company=alice.company).values_list("number", "is_active")
        )


def test_mirror_deactivates_missing_customers_then_a_later_file_brings_one_back_and_undo(
    alice, tmp_path, run_import
):
    """R59: the preview lists the customers missing from a mirror file; applying makes them
    inactive (recorded in history with the batch); a later file that lists one brings it back;
    undo of each batch restores what it changed."""
    _four(alice)
    path = wb.basic_file(tmp_path / "list.xlsx", [wb.customer("100"), wb.customer("200")])
    preview = run_import(path, mirror=True, dry_run=True)
    assert preview.status == "valid" and preview.counts["deactivated"] == 2
    assert _active(alice) == {"100": True, "200": True, "300": True, "400": True}

    first = run_import(path, mirror=True)
    assert first.status == "applied" and first.counts["deactivated"] == 2
    assert _active(alice) == {"100": True, "200": True, "300": False, "400": False}
    with scope(tenant=alice.tenant.pk):
        missing = ImportChange.objects.filter(batch=first.batch, kind=ChangeKind.DEACTIVATE)
        assert sorted(missing.values_list("number", "old")) == [
            ("300", "Customer 300"),
            ("400", "Customer 400"),
        ]
        event = CustomerEvent.objects.filter(number="300").order_by("pgh_id").last()
        assert event.is_active is False and event.pgh_label == "update"
        assert event.pgh_context.metadata["import_batch"] == str(first.batch.public_id)

    # A later (plain) file lists 300 again: it is active again, counted as such.
    second = run_import(wb.basic_file(tmp_path / "back.xlsx", [wb.customer("300")]))
    assert second.counts["reactivated"] == 1 and second.counts["deactivated"] == 0
    assert _active(alice)["300"] is True and _active(alice)["400"] is False

    with scope(tenant=alice.tenant.pk):
        batch_undo(batch=second.batch, user=alice.editor)
    assert _active(alice)["300"] is False
    with scope(tenant=alice.tenant.pk):
        batch_undo(batch=ImportBatch.objects.get(pk=first.batch.pk), user=alice.editor)
    assert _active(alice) == {"100": True, "200": True, "300": True, "400": True}


def test_plain_import_deactivates_nobody(alice, tmp_path, run_import):
    """R59: only a file declared the whole list makes missing customers inactive."""
    _four(alice)
    result = run_import(wb.basic_file(tmp_path / "a.xlsx", [wb.customer("100")]))
    assert result.counts["deactivated"] == 0
    assert all(_active(alice).values())


def test_mirror_keeps_customers_in_rows_with_errors(alice, tmp_path, run_import):
    """R59: a customer whose row has an error is still in the file: it is not made inactive."""
    _four(alice)
    result = run_import(
        wb.basic_file(
            tmp_path / "a.xlsx",
            [
                wb.customer("100"),
                wb.customer("200"),
                wb.customer("300", Email="bad"),
                wb.customer("400"),
            ],
        ),
        mirror=True,
        skip_errors=True,
    )
    assert result.status == "applied" and result.counts["deactivated"] == 0
    assert all(_active(alice).values())


def test_mirror_file_without_customers_is_refused(alice, tmp_path, run_import):
    """R59: a whole-list file with no customer would make every customer inactive: refused."""
    _four(alice)
    result = run_import(wb.write_xlsx(tmp_path / "a.xlsx", wb.BASIC, []), mirror=True)
    assert result.status == "refused" and "no customers" in result.message
    assert all(_active(alice).values())


def test_mirror_from_the_command_line(alice, tmp_path, capsys):
    """R59, R41: `import_customers --mirror` prints how many customers became inactive."""
    _four(alice)
    path = wb.basic_file(tmp_path / "a.xlsx", [wb.customer(n) for n in ("100", "200", "300")])
    code = import_command(alice, path, "--mirror")
    assert code == 0
    assert "1 made inactive" in capsys.readouterr().out
    assert _active(alice)["400"] is False


def _zoned(customer, region="TX"):
    with scope(tenant=customer.tenant_id):
        ShipToZone.objects.create(tenant_id=customer.tenant_id, customer=customer, region=region)


def test_exposure_leaves_inactive_customers_out(alice, login):
    """R59: an inactive customer is out of exposure (report, counts) and request sending."""
    active = make_customer(alice.company, "100", "Active Co")
    gone = make_customer(alice.company, "200", "Gone Co")
    _zoned(active)
    _zoned(gone)
    scope_ = Scope(alice.tenant.pk, [alice.company.pk])
    with scope(tenant=alice.tenant.pk):
        assert exposure_summary(scope_)[:2] == (2, 2)
        Customer.objects.filter(pk=gone.pk).update(is_active=False)
        assert exposure_summary(scope_)[:2] == (1, 1)
        assert exposed_customer_ids(scope_) == [active.pk]
    page = login(alice.viewer).get(alice.url("exposure/"))
    assert page.status_code == 200
    assert "Active Co" in page.content.decode() and "Gone Co" not in page.content.decode()


def test_no_request_to_an_inactive_customer(alice):
    """R59: an inactive customer is sent no certificate request."""
    from documents.services.certificate_requests import certificate_request_create

    gone = make_customer(alice.company, "200", "Gone Co", is_active=False, email="a@b.example")
    with scope(tenant=alice.tenant.pk), pytest.raises(ValidationError, match="inactive"):
        certificate_request_create(
            tenant=alice.tenant,
            actor=alice.editor,
            customer=gone,
            regions=["TX"],
            email="a@b.example",
            base_url="http://testserver/",
        )


def test_customer_list_hides_inactive_by_default_and_filters_them(alice, login):
    """R59: inactive customers leave the list's default view; a filter shows them, badged."""
    make_customer(alice.company, "100", "Active Co")
    make_customer(alice.company, "200", "Gone Co", is_active=False)
    client = login(alice.viewer)
    default = client.get(alice.url("customers/")).content.decode()
    assert "Active Co" in default and "Gone Co" not in default
    inactive = client.get(alice.url("customers/?status=inactive")).content.decode()
    assert "Gone Co" in inactive and "Active Co" not in inactive
    assert '<span class="badge bad">inactive</span>' in inactive
    both = client.get(alice.url("customers/?status=all")).content.decode()
    assert "Gone Co" in both and "Active Co" in both


def test_editor_makes_a_customer_active_again(alice, login):
    """R59: an editor brings an inactive customer back from its page; a viewer may not."""
    gone = make_customer(alice.company, "200", "Gone Co", is_active=False)
    url = alice.url(f"customers/{gone.public_id}/active/")
    detail = login(alice.viewer).get(alice.url(f"customers/{gone.public_id}/"))
    assert 'data-testid="inactive"' in detail.content.decode()
    assert login(alice.viewer).post(url).status_code == 403
    assert login(alice.editor).post(url).status_code == 302
    with scope(tenant=alice.tenant.pk):
        gone.refresh_from_db()
        assert gone.is_active
        assert CustomerEvent.objects.filter(
            pgh_obj_id=gone.pk, is_active=True, pgh_label="update"
        ).exists()


def test_dashboard_shows_inactive_counts_and_last_mirror_import(alice, login, tmp_path, run_import):
    """R59: the dashboard shows each company's inactive customers and its last mirror import."""
    _four(alice)
    result = run_import(wb.basic_file(tmp_path / "a.xlsx", [wb.customer("100")]), mirror=True)
    assert result.batch.status == Status.APPLIED
    page = login(alice.viewer).get(alice.url()).content.decode()
    stamp = f"{result.batch.applied_at:%Y-%m-%d %H:%M}"
    assert f"{alice.company.name}: 3 inactive · last whole-list import {stamp}" in page


def test_upload_page_mirror_checkbox_lists_missing_customers(
    alice, login, tmp_path, django_capture_on_commit_callbacks
):
    """R59: the Import page's "whole customer list" checkbox; the preview lists the customers
    missing from the file, with their count."""
    _four(alice)
    path = wb.basic_file(tmp_path / "list.xlsx", [wb.customer("100"), wb.customer("200")])
    client = login(alice.editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(alice.url("imports/"), {"file": wb.upload(path), "mirror": "on"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "<strong>2</strong> not in the file: made inactive" in page
    assert 'data-testid="missing"' in page and "Customer 300" in page and "Customer 400" in page
