"""The review queue (R21): pending documents of the working company and below, oldest first;
the file beside the form; valid, invalid with a reason, void; then the next one."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.models import Document, DocumentStatus
from documents.services import documents as services
from tests.factories import PDF_BYTES, make_company, make_customer, make_document


def upload(world, customer, regions=("TX",)):
    with world.scope():
        return services.document_create(
            tenant=world.tenant,
            customer=customer,
            actor=world.editor,
            uploaded_file=SimpleUploadedFile("cert.pdf", PDF_BYTES),
            doc_type="exemption",
            regions=list(regions),
            effective_date=datetime.date(2024, 1, 1),
        )


@pytest.fixture
def queue(alice):
    """Three pending documents, oldest first: one in a child company."""
    child = make_company(alice.tenant, "ALICE-KID", parent=alice.company)
    first = upload(alice, make_customer(alice.company, "A"))
    second = upload(alice, make_customer(child, "B"))
    third = upload(alice, make_customer(alice.company, "C"))
    make_document(make_customer(alice.company, "V"), ["TX"], DocumentStatus.VALID)
    return [first, second, third]


def decide(client, world, document, decision, **fields):
    data = {**_details(document), "decision": decision, **fields}
    return client.post(world.url(f"documents/{document.public_id}/review/"), data)


def _details(document) -> dict:
    return {
        "doc_type": document.doc_type,
        "regions": document.regions,
        "exemption_reason": document.exemption_reason,
        "effective_date": document.effective_date.isoformat(),
        "signed_date": "",
        "expiration_date": "",
        "address": "",
    }


def test_queue_lists_pending_documents_oldest_first(alice, queue, login):
    """R21: the queue holds the pending documents of the working company and below, oldest
    first; valid ones are not in it."""
    response = login(alice.viewer).get(alice.url("documents/review/"))
    assert [d.pk for d in response.context["documents"]] == [d.pk for d in queue]


def test_review_page_shows_the_file_beside_the_form(alice, queue, login):
    """R21: the review page previews the file inline through the permission-checked view."""
    response = login(alice.editor).get(alice.url(f"documents/{queue[0].public_id}/review/"))
    preview = f'src="{alice.url(f"documents/{queue[0].public_id}/file/")}?inline=1"'
    assert preview.encode() in response.content
    assert b"Mark valid" in response.content and b"Mark invalid" in response.content


def test_review_flow_goes_through_the_queue(alice, queue, login):
    """R21: marking a document valid or invalid (with a reason) or voiding it moves on to the
    next pending one; after the last, back to the (empty) queue."""
    client = login(alice.editor)
    start = client.get(alice.url("documents/review/next/"))
    assert start["Location"] == alice.url(f"documents/{queue[0].public_id}/review/")

    response = decide(client, alice, queue[0], "valid")
    assert response["Location"] == alice.url(f"documents/{queue[1].public_id}/review/")
    response = decide(client, alice, queue[1], "invalid", reason="Not signed")
    assert response["Location"] == alice.url(f"documents/{queue[2].public_id}/review/")
    response = decide(client, alice, queue[2], "void")
    assert response["Location"] == alice.url("documents/review/")

    with alice.scope():
        statuses = [Document.objects.get(pk=d.pk) for d in queue]
    assert [(d.status, d.status_reason, d.reviewed_by) for d in statuses] == [
        (DocumentStatus.VALID, "", alice.editor),
        (DocumentStatus.INVALID, "Not signed", alice.editor),
        (DocumentStatus.VOIDED, "", alice.editor),
    ]


def test_invalid_needs_a_reason(alice, queue, login):
    """R21: "Mark invalid" without a reason is refused and the document stays pending."""
    response = decide(login(alice.editor), alice, queue[0], "invalid", reason="  ")
    assert response.status_code == 200
    assert b"Say why the document is invalid" in response.content
    queue[0].refresh_from_db()
    assert queue[0].status == DocumentStatus.PENDING


def test_corrections_are_saved_with_the_decision(alice, queue, login):
    """R21: the reviewer may correct the details while deciding; both are recorded."""
    decide(
        login(alice.editor),
        alice,
        queue[0],
        "valid",
        regions=["TX", "OK"],
        expiration_date="2030-12-31",
    )
    queue[0].refresh_from_db()
    assert queue[0].status == DocumentStatus.VALID
    assert queue[0].regions == ["TX", "OK"]
    assert queue[0].expiration_date == datetime.date(2030, 12, 31)


def test_failed_correction_leaves_the_status_unchanged(alice, queue, login):
    """R21: a correction that breaks a rule is shown, and the decision is not applied."""
    response = decide(login(alice.editor), alice, queue[0], "valid", expiration_date="2023-01-01")
    assert b"cannot be before the effective date" in response.content
    queue[0].refresh_from_db()
    assert queue[0].status == DocumentStatus.PENDING


def test_queue_follows_the_working_company(alice, queue, login):
    """R7, R21: picking the child company narrows the queue to its documents."""
    client = login(alice.editor)
    child = queue[1].company
    client.post(alice.url("pick-company/"), {"company": str(child.public_id)})
    response = client.get(alice.url("documents/review/"))
    assert [d.pk for d in response.context["documents"]] == [queue[1].pk]
