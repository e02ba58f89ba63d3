"""The Django admin of documents (R44): per tenant, with list columns, search and filters; no
adding without an upload; history read only."""

import pytest
from django_scopes import scopes_disabled

from documents.models import Document
from tests.factories import make_customer, make_document


@pytest.fixture
def docs(alice, bob):
    return (
        make_document(make_customer(alice.company, "A-1", "Alpha Buyer"), ["TX", "OK"]),
        make_document(make_customer(bob.company, "B-1", "Bravo Buyer"), ["CA"]),
    )


def test_staff_admin_sees_only_its_tenants_documents(staff_admin, docs, login):
    """R44: the list shows its tenant's documents, searchable by customer; another tenant's
    document is out of reach."""
    client = login(staff_admin)
    listing = client.get("/admin/documents/document/", {"q": "Buyer"}).content.decode()
    assert "Alpha Buyer" in listing and "Bravo Buyer" not in listing
    assert "TX, OK" in listing
    assert client.get(f"/admin/documents/document/{docs[0].pk}/change/").status_code == 200
    assert client.get(f"/admin/documents/document/{docs[1].pk}/change/").status_code == 302
    assert client.get("/admin/documents/document/add/").status_code == 403


def test_admin_edit_is_validated_and_recorded(staff_admin, docs, login):
    """R14, R44: an admin edit checks the rules (invalid needs a reason) and is in the
    history."""
    document = docs[0]
    data = {
        "tenant": document.tenant_id,
        "customer": document.customer_id,
        "address": "",
        "doc_type": "exemption",
        "regions": "TX,OK",
        "exemption_reason": "",
        "signed_date": "",
        "effective_date": "2020-01-01",
        "expiration_date": "",
        "status": "invalid",
        "status_reason": "",
    }
    client = login(staff_admin)
    url = f"/admin/documents/document/{document.pk}/change/"
    refused = client.post(url, data)
    assert refused.status_code == 200 and b"Say why the document is invalid" in refused.content
    done = client.post(url, {**data, "status_reason": "Wrong entity"})
    assert done.status_code == 302
    with scopes_disabled():
        assert Document.objects.get(pk=document.pk).status == "invalid"
        assert Document.pgh_event_model.objects.filter(
            pgh_obj_id=document.pk, status="invalid"
        ).exists()
    history = client.get("/admin/documents/documentevent/")
    assert history.status_code == 200
