"""Import batches in the Django admin (R44): listed per tenant, read only."""

import pytest
from django_scopes import scopes_disabled

from imports.models import ImportBatch, ImportChange
from tests.factories import import_file
from tests.imports import workbooks as wb

pytestmark = pytest.mark.django_db


def test_batches_are_read_only_and_per_tenant(alice, bob, login, tmp_path):
    """R44: a tenant's admin sees its batches and changes, not another tenant's; nobody adds,
    changes or deletes them."""
    for world in (alice, bob):
        import_file(
            wb.basic_file(tmp_path / f"{world.tenant.slug}-customers.xlsx", [wb.customer("100")]),
            tenant=world.tenant,
            company=world.company,
        )
    alice.admin.is_staff = True
    alice.admin.save(update_fields=["is_staff"])
    client = login(alice.admin)
    listing = client.get("/admin/imports/importbatch/").content.decode()
    assert "alice-customers.xlsx" in listing and "bob-customers.xlsx" not in listing
    with scopes_disabled():
        mine = ImportBatch.objects.get(tenant=alice.tenant)
        theirs = ImportBatch.objects.get(tenant=bob.tenant)
        change = ImportChange.objects.filter(batch=mine).first()
    assert client.get(f"/admin/imports/importbatch/{mine.pk}/change/").status_code == 200
    assert client.get(f"/admin/imports/importbatch/{theirs.pk}/change/").status_code == 302
    assert client.get("/admin/imports/importbatch/add/").status_code == 403
    response = client.post(f"/admin/imports/importbatch/{mine.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert client.get(f"/admin/imports/importchange/{change.pk}/change/").status_code == 200
    assert "100" in client.get("/admin/imports/importchange/").content.decode()


def test_kept_rows_are_listed_per_tenant(
    alice, bob, login, tmp_path, django_capture_on_commit_callbacks
):
    """R44: the rows checks kept for their apply are listed to their tenant's admin only."""
    from tests.imports.batches import upload_batch

    for world in (alice, bob):
        path = wb.basic_file(tmp_path / f"{world.tenant.slug}-kept.xlsx", [wb.customer("100")])
        upload_batch(world, path, on_commit=django_capture_on_commit_callbacks)
    alice.admin.is_staff = True
    alice.admin.save(update_fields=["is_staff"])
    listing = login(alice.admin).get("/admin/imports/checkedrows/")
    assert listing.status_code == 200
    assert "alice-kept.xlsx" in listing.content.decode()
    assert "bob-kept.xlsx" not in listing.content.decode()
