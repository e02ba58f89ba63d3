"""What a tester found in the review queue and the request page (R21, R28)."""

import datetime

import pytest
from django.utils import timezone

from documents.models import CertificateRequest, Document, DocumentStatus
from tests.documents.test_documents_review import decide, queue, upload  # noqa: F401
from tests.documents.test_requests import customer, send  # noqa: F401

pytestmark = pytest.mark.django_db


def test_unknown_decision_is_a_400_with_a_message(alice, queue, login):  # noqa: F811
    """R21: a decision other than valid, invalid or void answers 400 saying what to use, and
    changes nothing."""
    document = queue[0]
    response = decide(login(alice.editor), alice, document, "approve-all")
    assert response.status_code == 400
    assert "Unknown decision: use Mark valid, Mark invalid or Void." in (response.content.decode())
    with alice.scope():
        assert Document.objects.get(pk=document.pk).status == DocumentStatus.PENDING


def test_marking_a_valid_document_valid_again_changes_nothing(alice, queue, login):  # noqa: F811
    """R21: marking an already valid document valid says it already was; reviewer and time
    stay."""
    document = queue[0]
    client = login(alice.editor)
    decide(client, alice, document, "valid")
    with alice.scope():
        first = Document.objects.get(pk=document.pk)
    assert first.status == DocumentStatus.VALID
    response = decide(login(alice.owner), alice, first, "valid")
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "was already valid; its status is unchanged." in page
    with alice.scope():
        again = Document.objects.get(pk=document.pk)
    assert (again.reviewed_by_id, again.reviewed_at) == (first.reviewed_by_id, first.reviewed_at)


def test_a_signed_date_in_the_future_is_a_field_error(alice, queue, login):  # noqa: F811
    """R21: a signed date after today is refused next to the field; nothing changes."""
    document = queue[0]
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = decide(
        login(alice.editor), alice, document, "valid", signed_date=tomorrow.isoformat()
    )
    assert response.status_code == 200
    assert "The signed date cannot be in the future" in response.content.decode()
    with alice.scope():
        stored = Document.objects.get(pk=document.pk)
    assert (stored.signed_date, stored.status) == (None, DocumentStatus.PENDING)


def test_regions_typed_with_spaces_and_semicolons(alice, login, customer):  # noqa: F811
    """R28: commas, semicolons and spaces all separate typed regions ("tx fl;ca")."""
    url = alice.url(f"customers/{customer.public_id}/request/")
    response = login(alice.editor).post(
        url, {"regions": "tx fl;ca", "email": customer.email, "expires_in_days": 14}
    )
    assert response.status_code == 302, response.content.decode()
    with alice.scope():
        assert CertificateRequest.objects.get().regions == ["TX", "FL", "CA"]
