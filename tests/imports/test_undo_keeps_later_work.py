"""R57: undo never deletes what was added after the batch; a customer it created is kept and
listed when anything was attached to it since, through any relation to Customer."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope

from customers.models import Address, Contact, Customer, ShipToLink, ShipToZone
from documents.services.certificate_requests import certificate_request_create
from documents.services.notes import note_add
from imports import services
from imports.models import ImportBatch, Status
from imports.undo import later_work_relations
from tests.factories import make_customer, make_document
from tests.imports import workbooks as wb
from tests.imports.batches import upload_batch

pytestmark = pytest.mark.django_db


def _tenant(customer) -> dict:
    return {"tenant_id": customer.tenant_id}


# One way to attach work to a customer after an import, per relation to Customer. A new relation
# without a maker here fails test_every_relation_to_customer_is_walked.
MAKERS = {
    ("customers.Address", "customer"): lambda c, other, user: Address.objects.create(
        **_tenant(c), customer=c, line1="2 Side St", city="Austin", is_ship_to=True
    ),
    ("customers.Contact", "customer"): lambda c, other, user: Contact.objects.create(
        **_tenant(c), customer=c, name="Pat Payables"
    ),
    ("customers.ShipToZone", "customer"): lambda c, other, user: ShipToZone.objects.create(
        **_tenant(c), customer=c, region="OK"
    ),
    ("customers.ShipToLink", "billing"): lambda c, other, user: ShipToLink.objects.create(
        **_tenant(c), billing=c, shipping=other
    ),
    ("customers.ShipToLink", "shipping"): lambda c, other, user: ShipToLink.objects.create(
        **_tenant(c), billing=other, shipping=c
    ),
    ("documents.Document", "customer"): lambda c, other, user: make_document(c, ["TX"]),
    ("documents.Note", "customer"): lambda c, other, user: note_add(
        tenant=c.tenant, actor=user, target=c, text="Called AP, certificate on its way"
    ),
    ("documents.CertificateRequest", "customer"): lambda c, other, user: certificate_request_create(
        tenant=c.tenant,
        actor=user,
        customer=c,
        regions=["TX"],
        email="ap@example.com",
        base_url="http://testserver",
    ),
}


def _key(relation) -> tuple[str, str]:
    return relation.related_model._meta.label, relation.field.name


def _applied(alice, tmp_path, numbers, django_capture_on_commit_callbacks) -> ImportBatch:
    path = wb.basic_file(tmp_path / "new.xlsx", [wb.customer(n) for n in numbers])
    batch = upload_batch(alice, path, on_commit=django_capture_on_commit_callbacks)
    with scope(tenant=alice.tenant.pk):
        batch = services.batch_apply(batch=batch, user=alice.editor)
    assert batch.status == Status.APPLIED
    return batch


def test_every_relation_to_customer_is_walked():
    """R57: every relation to Customer (read from the model) counts as later work, and each
    has a maker below, so a new relation cannot be forgotten by the undo or by this test."""
    relations = {_key(r) for r in later_work_relations()}
    assert relations == set(MAKERS), (
        "A relation to Customer has no maker in MAKERS (add one): "
        f"{sorted(relations ^ set(MAKERS))}"
    )


@pytest.mark.parametrize("key", sorted(MAKERS), ids=lambda key: f"{key[0]}.{key[1]}")
def test_undo_keeps_a_created_customer_with_later_work(
    alice, tmp_path, key, django_capture_on_commit_callbacks
):
    """R57: a customer the batch created, with anything attached to it later, is kept by the
    undo and listed with what was attached."""
    other = make_customer(alice.company, "900", "Existing")
    batch = _applied(alice, tmp_path, ["200", "201"], django_capture_on_commit_callbacks)
    with scope(tenant=alice.tenant.pk):
        created = Customer.objects.get(number="200")
        MAKERS[key](created, other, alice.editor)
        batch = services.batch_undo(batch=batch, user=alice.editor)
        assert set(Customer.objects.values_list("number", flat=True)) == {"200", "900"}
    (kept,) = batch.not_restored
    assert kept["number"] == "200" and "kept" in kept["reason"]


def test_undo_with_a_request_a_document_a_note_and_an_address_added_since(
    alice, tmp_path, django_capture_on_commit_callbacks, login
):
    """R57: after the batch, staff sent a request to one new customer, added a document to
    another, a note to a third and an address to a fourth: undo keeps all four (and their
    work), lists each with what was added, and deletes the untouched fifth."""
    batch = _applied(
        alice, tmp_path, ["200", "201", "202", "203", "204"], django_capture_on_commit_callbacks
    )
    with scope(tenant=alice.tenant.pk):
        new = {c.number: c for c in Customer.objects.all()}
        request = MAKERS[("documents.CertificateRequest", "customer")](
            new["200"], None, alice.editor
        )
        make_document(new["201"], ["TX"])
        note_add(
            tenant=alice.tenant,
            actor=alice.editor,
            target=new["202"],
            text="Call back",
            upload=SimpleUploadedFile("memo.txt", b"memo", "text/plain"),
        )
        MAKERS[("customers.Address", "customer")](new["203"], None, alice.editor)

    response = login(alice.editor).post(f"/t/alice/imports/{batch.public_id}/undo/")
    assert response.status_code == 302

    with scope(tenant=alice.tenant.pk):
        batch.refresh_from_db()
        assert batch.status == Status.UNDONE
        assert set(Customer.objects.values_list("number", flat=True)) == {
            "200",
            "201",
            "202",
            "203",
        }
        request.refresh_from_db()  # still there, still the customer's
        assert request.customer_id == new["200"].pk
    reasons = {item["number"]: item["reason"] for item in batch.not_restored}
    assert "certificate requests added since" in reasons["200"]
    assert "documents added since" in reasons["201"]
    assert "notes added since" in reasons["202"]
    assert "addresses added since" in reasons["203"]
    page = login(alice.editor).get(f"/t/alice/imports/{batch.public_id}/").content.decode()
    assert "certificate requests added since" in page
