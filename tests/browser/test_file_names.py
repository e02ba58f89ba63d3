import pytest
from django_scopes import scope

from documents.models import Document
from tests.browser.conftest import log_in
from tests.customers.helpers import make_document
from tests.factories import make_customer

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("browser")]


def test_a_long_file_name_keeps_the_review_queue_on_screen(page, screenshot, alice, password):
    """R21: a 255-character file name in the review queue is cut with an ellipsis (the full
    name in its title); the Actions column stays on screen."""
    name = "certificate-" + "x" * 239 + ".pdf"
    document = make_document(make_customer(alice.company, "C-1", "Long Name Co"))
    with scope(tenant=alice.tenant.pk):
        Document.objects.filter(pk=document.pk).update(original_name=name)
    log_in(page, alice.editor.email, password)
    page.goto(alice.url("documents/review/"))
    cell = page.locator(".file-name")
    assert cell.get_attribute("title") == name
    review = page.get_by_role("link", name="Review", exact=True)
    box = review.bounding_box()
    assert box["x"] + box["width"] <= page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    screenshot("review-queue-long-file-name")
