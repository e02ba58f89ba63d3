"""Background work of certificate requests (R28, R47): the email goes from the worker, so a
slow mail server never holds up a page."""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from customers.regions import REGION_NAMES
from documents.requests import request_mark_sent


def request_email(request, link: str) -> EmailMultiAlternatives:
    context = {
        "request": request,
        "link": link,
        "tenant": request.tenant,
        "company": request.company,
        "customer": request.customer,
        "regions": [(code, REGION_NAMES.get(code, code)) for code in request.regions],
    }
    subject = render_to_string("emails/certificate_request_subject.txt", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string("emails/certificate_request_body.txt", context),
        to=[request.email],
        reply_to=[request.company.contact_email] if request.company.contact_email else None,
    )
    message.attach_alternative(
        render_to_string("emails/certificate_request_body.html", context), "text/html"
    )
    return message


@task()
def send_certificate_request(*, tenant_id: int, request_id: int, base_url: str) -> bool:
    """Give the request a fresh link token and email it; nothing if the request was cancelled,
    fulfilled or has expired in the meantime. The token exists only here and in the email."""
    marked = request_mark_sent(request_id=request_id, tenant_id=tenant_id)
    if marked is None:
        return False
    request, token = marked
    link = base_url.rstrip("/") + reverse("public:request_upload", kwargs={"token": token})
    request_email(request, link).send()
    return True
