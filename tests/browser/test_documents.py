import pytest
from django_scopes import scope

from customers.models import ShipToZone
from documents.demo_files import tiny_pdf
from documents.models import Document, DocumentStatus
from tests.browser.conftest import log_in
from tests.factories import make_customer

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("browser")]


def test_upload_a_document_and_validate_it_in_the_queue(
    page, screenshot, alice, password, tmp_path
):
    """R20, R21, R23: an editor uploads a certificate on the customer's Documents tab, reviews
    it in the queue with the file beside the form, marks it valid, and the exposure report
    shows what is still exposed."""
    customer = make_customer(alice.company, "C-1001", "Oak Valley Electric")
    other = make_customer(alice.company, "C-1002", "Granite Schools")
    with scope(tenant=alice.tenant.pk):
        for owner, region in [(customer, "TX"), (customer, "OK"), (other, "NM")]:
            ShipToZone.objects.create(tenant=alice.tenant, customer=owner, region=region)
    certificate = tmp_path / "texas-certificate.pdf"
    certificate.write_bytes(
        tiny_pdf(
            "Texas Sales and Use Tax Exemption Certification",
            "Oak Valley Electric",
            "Customer C-1001",
        )
    )

    log_in(page, alice.editor.email, password)
    page.wait_for_url("**/t/**")
    page.goto(alice.url(f"customers/{customer.public_id}/documents/"))
    assert "exposed" in page.get_by_test_id("coverage").inner_text()
    page.get_by_role("link", name="Add document").click()
    page.get_by_label("File:").set_input_files(str(certificate))
    page.get_by_label("Type:").select_option("exemption")
    page.get_by_label("TX Texas").check()  # the grouped region checkboxes
    page.get_by_label("Signed date:").fill("2025-01-02")
    page.get_by_label("Effective date:").fill("2025-01-03")
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url("**/documents/*/")
    assert page.get_by_test_id("document-status").first.inner_text() == "Pending"

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Documents").click()
    page.get_by_role("link", name="Review queue").click()
    assert "Oak Valley Electric" in page.get_by_test_id("review-queue").inner_text()
    page.get_by_role("link", name="Start reviewing (1)").click()
    page.wait_for_url("**/review/")
    assert page.get_by_test_id("document-preview").is_visible()
    page.wait_for_timeout(500)  # let the PDF preview paint
    screenshot("review")
    page.get_by_role("button", name="Mark valid").click()
    page.wait_for_url("**/documents/review/")
    assert "Nothing to review" in page.get_by_test_id("review-queue").inner_text()

    with scope(tenant=alice.tenant.pk):
        document = Document.objects.get(customer=customer)
        assert document.status == DocumentStatus.VALID
        assert document.reviewed_by == alice.editor

    page.goto(alice.url("exposure/"))
    assert page.get_by_test_id("exposure-total").inner_text() == "2"
    exposed = page.get_by_test_id("exposed-customer-list").inner_text()
    assert "Oak Valley Electric" in exposed and "OK" in exposed and "TX" not in exposed
