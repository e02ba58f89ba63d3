"""Background work of certificate requests (R28, R47): the email goes from the worker, so a
slow mail server never holds up a page."""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from companies.tenant_tasks import tenant_task
from customers.regions import REGION_NAMES
from documents.models import CertificateRequest
from documents.services.request_links import certificate_request_mark_sent


def certificate_request_email(
    certificate_request: CertificateRequest, link: str
) -> EmailMultiAlternatives:
    """The request's email, as text and HTML, to the address it was sent to."""
    company = certificate_request.company
    context = {
        "certificate_request": certificate_request,
        "link": link,
        "tenant": certificate_request.tenant,
        "company": company,
        "customer": certificate_request.customer,
        "regions": [(code, REGION_NAMES.get(code, code)) for code in certificate_request.regions],
    }
    subject = render_to_string("emails/certificate_request_subject.txt", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string("emails/certificate_request_body.txt", context),
        to=[certificate_request.email],
        reply_to=[company.contact_email] if company.contact_email else None,
    )
    message.attach_alternative(
        render_to_string("emails/certificate_request_body.html", context), "text/html"
    )
    return message


@tenant_task()
def send_certificate_request(*, tenant_id: int, request_id: int, base_url: str) -> bool:
    """Give the request a fresh link token and email it; nothing if the request was cancelled,
    fulfilled or has expired in the meantime. The token exists only here and in the email.
    (`request_id` is the certificate request's id; the name stays as queued tasks carry it.)"""
    marked = certificate_request_mark_sent(certificate_request_id=request_id)
    if marked is None:
        return False
    certificate_request, token = marked
    link = base_url.rstrip("/") + reverse("public:request_upload", kwargs={"token": token})
    certificate_request_email(certificate_request, link).send()
    return True
