"""R46: the documents demo gives documents in every status, with real files, in the history."""

from pathlib import Path

import pytest
from django_scopes import scope

from companies import demo as company_demo
from customers import demo as customer_demo
from documents import demo
from documents.files import sniff_content_type
from documents.models import Document
from documents.selectors import expiring_soon

pytestmark = pytest.mark.django_db


def test_demo_documents_in_every_status_with_files():
    """R46, R21: valid, expired, expiring soon, pending, invalid and voided documents, each
    with a stored PDF or PNG whose bytes are what they claim; reviews are in the history."""
    context = company_demo.load()
    with scope(tenant=context["tenant"].pk):
        context.update(customer_demo.load(context))
        result = demo.load(context)
        documents = Document.objects.all()
        assert len(result["documents"]) == documents.count() > 50
        statuses = {d.display_status for d in documents}
        assert statuses == {"valid", "expired", "pending", "invalid", "voided"}
        assert expiring_soon(documents, tenant=context["tenant"]).exists()
        assert documents.filter(status="invalid").exclude(status_reason="").exists()
        for document in documents[:20]:
            content = Path(document.file.path).read_bytes()
            assert sniff_content_type(content) == document.content_type
        reviewed = documents.exclude(status="pending").first()
        labels = list(
            Document.pgh_event_model.objects.filter(pgh_obj_id=reviewed.pk).values_list(
                "pgh_label", flat=True
            )
        )
        assert labels == ["insert", "update"]
