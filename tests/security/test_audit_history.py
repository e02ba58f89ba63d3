"""R54: history of companies, memberships and roles, tenant settings, comments and files;
append-only history tables; the retention command; import and undo entries naming their batch."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django_scopes import scope, scopes_disabled

from companies import services as company_services
from companies.history import event_models, unprotected
from companies.models import Company, Membership, Tenant
from customers.models import Customer
from documents.models import Note
from imports import services as import_services
from tests.factories import make_customer
from tests.imports import workbooks as wb
from tests.imports.batches import upload_batch


def _history_rows(client, world, customer) -> list[str]:
    response = client.get(world.url(f"customers/{customer.public_id}/history/"))
    assert response.status_code == 200
    body = response.content.decode().split('data-testid="history"')[1].split("</table>")[0]
    return re.findall(r"<tr>(.*?)</tr>", body, re.S)[1:]


def _text(row: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", row).split())


def test_every_event_table_has_the_append_only_trigger(db):
    """R54: every history table of the project (a model added later included) carries the
    trigger that refuses UPDATE and DELETE."""
    tables = {m._meta.db_table for m in event_models()}
    assert {
        "customers_customerevent",
        "companies_companyevent",
        "companies_membershipevent",
        "companies_tenantevent",
        "documents_noteevent",
        "companies_membershipcompanyevent",
    } <= tables
    with connection.cursor() as cursor:
        cursor.execute("""SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                          WHERE t.tgname LIKE 'pgtrigger_append_only_%%'""")
        protected = {name for (name,) in cursor.fetchall()}
    assert tables - protected == set()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE customers_customerevent SET city = 'Forged' WHERE pgh_obj_id = %s",
        "DELETE FROM customers_customerevent WHERE pgh_obj_id = %s",
    ],
)
def test_the_database_refuses_update_and_delete_of_history(alice, statement):
    """R54: the database itself refuses UPDATE and DELETE of a history row, whoever sends it."""
    customer = make_customer(alice.company, "1")
    with (
        pytest.raises(DatabaseError, match="append_only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [customer.pk])
    with scopes_disabled():
        assert Customer.pgh_event_model.objects.filter(pgh_obj_id=customer.pk).count() == 1


def test_the_retention_command_removes_rows_before_the_date_only(alice):
    """R54: `prune_history --before DATE` removes the history rows recorded before the date and
    keeps the later ones; a malformed date is refused with a message."""
    old, recent = make_customer(alice.company, "OLD"), make_customer(alice.company, "NEW")
    with scopes_disabled(), unprotected():  # (the test backdates one row the same way)
        Customer.pgh_event_model.objects.filter(pgh_obj_id=old.pk).update(
            pgh_created_at=datetime.datetime(2020, 5, 1, tzinfo=datetime.UTC)
        )
    call_command("prune_history", "--before", "2021-01-01")
    with scopes_disabled():
        kept = set(Customer.pgh_event_model.objects.values_list("pgh_obj_id", flat=True))
    assert recent.pk in kept and old.pk not in kept
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="not a date"):
        call_command("prune_history", "--before", "last year")
    # Outside the command the protection is back.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM customers_customerevent")


def test_companies_memberships_roles_and_tenant_settings_have_history(alice, login):
    """R54: renaming a company, changing a member's role and the tenant's settings each leave
    a history row with the user who did it and the old and new values."""
    client = login(alice.owner)
    client.post(
        alice.url("settings/"),
        {
            "name": "Alice Holdings",
            "default_exemption_reason": "E",
            "default_expiring_soon_days": "45",
        },
    )
    with scope(tenant=alice.tenant.pk):
        company_services.company_update(company=alice.company, name="Alice Group")
        membership = Membership.objects.get(user=alice.viewer)
    client.post(alice.url(f"members/{membership.public_id}/"), {"role": "editor"})
    with scope(tenant=alice.tenant.pk):
        tenant_events = list(Tenant.pgh_event_model.objects.order_by("pgh_id"))
        company_events = list(
            Company.pgh_event_model.objects.filter(pgh_obj=alice.company).order_by("pgh_id")
        )
        role_events = list(
            Membership.pgh_event_model.objects.filter(pgh_obj=membership).order_by("pgh_id")
        )
    assert [e.pgh_label for e in tenant_events] == ["insert", "update"]
    assert tenant_events[-1].default_exemption_reason == "E"
    assert tenant_events[-1].pgh_context.metadata["user"] == alice.owner.pk
    assert company_events[-1].pgh_label == "update" and company_events[-1].name == "Alice Group"
    assert [(e.pgh_label, e.role) for e in role_events] == [
        ("insert", "viewer"),
        ("update", "editor"),
    ]
    assert role_events[-1].pgh_context.metadata["user"] == alice.owner.pk


def test_limiting_a_member_to_a_company_and_removing_the_limit_have_history(alice, login):
    """R54: limiting a member to a company and removing that limit each leave a history row
    (insert, delete) in the member's tenant, with the user who did it; the rows are
    append-only like every history row."""
    from companies.models import MembershipCompany

    client = login(alice.owner)
    with scope(tenant=alice.tenant.pk):
        membership = Membership.objects.get(user=alice.viewer)
    page = alice.url(f"members/{membership.public_id}/")
    client.post(page, {"role": "viewer", "companies": [str(alice.company.public_id)]})
    client.post(page, {"role": "viewer"})
    with scope(tenant=alice.tenant.pk):
        events = list(MembershipCompany.pgh_event_model.objects.order_by("pgh_id"))
    assert [(e.pgh_label, e.membership_id, e.company_id, e.tenant_id) for e in events] == [
        ("insert", membership.pk, alice.company.pk, alice.tenant.pk),
        ("delete", membership.pk, alice.company.pk, alice.tenant.pk),
    ]
    assert [e.pgh_context.metadata["user"] for e in events] == [alice.owner.pk] * 2
    with (
        pytest.raises(DatabaseError, match="append_only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM companies_membershipcompanyevent")


def test_an_import_and_its_undo_name_and_link_their_batch_on_the_history_tab(
    alice, login, tmp_path, django_capture_on_commit_callbacks
):
    """R54: an entry made by an import names that batch and links to it, and so does the
    entry made by undoing it."""
    customer = make_customer(alice.company, "100", "Acme", city="Austin")
    path = wb.basic_file(
        tmp_path / "spring.xlsx", [wb.customer("100", Name_1="Acme", City="Dallas")]
    )
    batch = upload_batch(alice, path, on_commit=django_capture_on_commit_callbacks)
    with scope(tenant=alice.tenant.pk):
        batch = import_services.batch_apply(batch=batch, user=alice.editor)
        import_services.batch_undo(batch=batch, user=alice.editor)
    rows = _history_rows(login(alice.viewer), alice, customer)
    link = f'href="/t/alice/imports/{batch.public_id}/"'
    undo, applied = rows[0], rows[1]
    assert "undo of import" in _text(undo) and link in undo and "spring.xlsx" in _text(undo)
    assert "City : Dallas → Austin" in _text(undo)
    assert "undo" not in _text(applied) and link in applied and "spring.xlsx" in _text(applied)
    assert "City : Austin → Dallas" in _text(applied)
    assert alice.editor.display_name in _text(applied)


def test_comment_and_file_changes_show_on_the_customers_history_tab(alice, login):
    """R54: adding, editing and removing a comment, and a file on one of the customer's
    documents, show on the customer's History tab with who did it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import PDF_BYTES, make_document

    customer = make_customer(alice.company, "C-1")
    document = make_document(customer, ["TX"])
    client = login(alice.editor)
    client.post(alice.url(f"customers/{customer.public_id}/comments/"), {"text": "Frist draft"})
    with alice.scope():
        comment = Note.objects.get(customer=customer)
    client.post(alice.url(f"notes/{comment.public_id}/edit/"), {"value": "First draft"})
    client.post(alice.url(f"notes/{comment.public_id}/remove/"))
    client.post(
        alice.url(f"documents/{document.public_id}/comments/"),
        {"file": SimpleUploadedFile("scan.pdf", PDF_BYTES)},
    )
    rows = [_text(r) for r in _history_rows(client, alice, customer)]
    notes = [r for r in rows if "Comment" in r or "File" in r]
    assert len(notes) == 4, rows
    assert "File scan.pdf added" in notes[0]
    assert "Comment First draft deleted" in notes[1]
    assert (
        "Comment First draft changed" in notes[2]
        and "Text : Frist draft → First draft" in notes[2]
        and alice.editor.display_name in notes[2]
    )
    assert "Comment Frist draft added" in notes[3]
