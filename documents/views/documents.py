"""Pages of documents: the list, a customer's Documents tab, upload, detail, edit, download
(R20, R21)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_safe

from certhub.errors import show_error
from companies.models import Role
from companies.tenancy import Workspace, role_required, working_companies
from customers.selectors import get_customer, visible_customers
from documents.coverage import customer_coverage
from documents.files import capped_upload, file_response
from documents.forms import (
    CustomerPickForm,
    DocumentDetailsForm,
    DocumentFilterForm,
    DocumentUploadForm,
)
from documents.selectors import (
    document_history,
    expiring_soon,
    get_document,
    working_documents,
)
from documents.services import documents as services
from documents.views import paginate


def filter_documents(request, form: DocumentFilterForm):
    """The documents list's filters: status (expired included), region, expiring soon (R19),
    the working company with or without the companies below it."""
    data = form.cleaned_data if form.is_valid() else {}
    documents = working_documents(Workspace.of(request), bool(data.get("descendants")))
    today = timezone.localdate()
    if data.get("status"):
        documents = documents.with_display_status(data["status"], today)
    if data.get("region"):
        documents = documents.filter(regions__contains=[data["region"]])
    if data.get("expiring_soon"):
        return expiring_soon(documents, tenant=request.tenant, on=today)
    return documents


@require_safe
def document_list(request, tenant_slug):
    form = DocumentFilterForm(request.GET or None)
    documents = (
        filter_documents(request, form)
        .select_related("customer", "company")
        .order_by("-created_at", "-id")
    )
    page, query_string = paginate(request, documents)
    return render(
        request,
        "documents/document_list.html",
        {
            "form": form,
            "page_obj": page,
            "documents": page.object_list,
            "query_string": query_string,
        },
    )


@require_safe
def customer_documents(request, tenant_slug, public_id):
    """The customer page's Documents tab: its documents and its coverage today (R20, R22)."""
    customer = get_customer(request.membership, public_id)
    documents = customer.documents.select_related("address").order_by("-created_at", "-id")
    page, query_string = paginate(request, documents)
    return render(
        request,
        "documents/document_customer_tab.html",
        {
            "customer": customer,
            "active_tab": "documents",
            "page_obj": page,
            "documents": page.object_list,
            "query_string": query_string,
            "coverage": customer_coverage(customer),
        },
    )


@role_required(Role.EDITOR)
def document_pick_customer(request, tenant_slug):
    """ "Add document" from the documents list: find the customer by number first."""
    customers = visible_customers(request.membership).filter(
        company__in=working_companies(request, include_descendants=True)
    )
    form = CustomerPickForm(request.GET or None, customers=customers)
    if request.GET and form.is_valid():
        return redirect(
            "documents:create", tenant_slug=tenant_slug, public_id=form.customer.public_id
        )
    return render(request, "documents/document_pick_customer.html", {"form": form})


@role_required(Role.EDITOR)  # first: a viewer's upload is refused before its body is read
@capped_upload
def document_create(request, tenant_slug, public_id):
    """Upload a document for a customer; it arrives pending in the review queue (R20, R21)."""
    customer = get_customer(request.membership, public_id)
    # No pre-filled exemption reason: left blank, the picked address's effective reason
    # applies, else the customer's (R19).
    form = DocumentUploadForm(request.POST or None, request.FILES or None, customer=customer)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.document_create(
                tenant=request.tenant,
                customer=customer,
                actor=request.user,
                uploaded_file=form.cleaned_data["file"],
                **form.service_fields(),
            )
        except ValidationError as error:
            show_error(request, error, form=form)
        else:
            messages.success(request, "Document uploaded; it waits in the review queue.")
            return redirect(
                "documents:detail", tenant_slug=tenant_slug, public_id=document.public_id
            )
    return render(
        request,
        "documents/document_form.html",
        {"form": form, "customer": customer, "title": "Add document"},
    )


@require_safe
def document_detail(request, tenant_slug, public_id):
    document = get_document(request.membership, public_id)
    return render(
        request,
        "documents/document_detail.html",
        {
            "document": document,
            "customer": document.customer,
            "active_tab": "details",
            "history": document_history(document),
        },
    )


@role_required(Role.EDITOR)
def document_edit(request, tenant_slug, public_id):
    document = get_document(request.membership, public_id)
    form = DocumentDetailsForm.for_document(document, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_update(document=document, actor=request.user, **form.service_fields())
        except ValidationError as error:
            show_error(request, error, form=form)
        else:
            messages.success(request, "Document saved.")
            return redirect("documents:detail", tenant_slug=tenant_slug, public_id=public_id)
    return render(
        request,
        "documents/document_form.html",
        {
            "form": form,
            "customer": document.customer,
            "document": document,
            "title": "Edit document",
        },
    )


@require_safe
@xframe_options_sameorigin  # previewed in an iframe of the review page
def document_file(request, tenant_slug, public_id):
    """The document's file, only through this permission check (R27); `?inline=1` previews
    PDFs and images in the page, anything else downloads."""
    document = get_document(request.membership, public_id)
    if not document.file:
        raise Http404("This document has no file.")
    return file_response(document, inline=request.GET.get("inline") == "1")
