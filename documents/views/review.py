"""The review queue (R21): pending documents of the working company and the companies below it,
oldest first; each is reviewed with its file beside the form, then on to the next one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from certhub.errors import show_error
from companies.models import Role
from companies.tenancy import Workspace, role_required
from documents.forms import DocumentDetailsForm, ReviewForm, VoidForm
from documents.models import DocumentStatus
from documents.selectors import get_document, next_pending, review_queue
from documents.services import documents as services
from documents.views import paginate


@require_safe
def queue(request, tenant_slug):
    page, query_string = paginate(request, review_queue(Workspace.of(request)))
    return render(
        request,
        "documents/review_queue.html",
        {"page_obj": page, "documents": page.object_list, "query_string": query_string},
    )


@role_required(Role.EDITOR)
def review_next(request, tenant_slug):
    """Open the oldest pending document, or back to the (empty) queue."""
    document = next_pending(Workspace.of(request))
    if document is None:
        messages.info(request, "No documents wait for review.")
        return redirect("documents:review_queue", tenant_slug=tenant_slug)
    return redirect("documents:review", tenant_slug=tenant_slug, public_id=document.public_id)


@role_required(Role.EDITOR)
def review(request, tenant_slug, public_id):
    """The file beside the form: correct the details, then mark valid, invalid or void."""
    document = get_document(request.membership, public_id)
    details = DocumentDetailsForm.for_document(document, request.POST or None)
    decision = ReviewForm(request.POST or None, initial={"reason": document.status_reason})
    status = 200
    if request.method == "POST" and decision.is_valid() and details.is_valid():
        already = (
            decision.cleaned_data["decision"] == ReviewForm.VALID
            and document.status == DocumentStatus.VALID
        )
        try:
            _apply(request, document, details, decision.cleaned_data)
        except ValidationError as error:
            show_error(request, error, form=details)
        else:
            return _to_next(request, tenant_slug, document, already=already)
    elif request.method == "POST" and "decision" in decision.errors:
        # R21: only the three buttons decide; anything else is a bad request, said so.
        messages.error(request, "Unknown decision: use Mark valid, Mark invalid or Void.")
        status = 400
    return render(
        request,
        "documents/review_document.html",
        {
            "document": document,
            "customer": document.customer,
            "details": details,
            "decision": decision,
            "queue_size": review_queue(Workspace.of(request)).count(),
            "reviewable": document.status != DocumentStatus.VOIDED,
        },
        status=status,
    )


@transaction.atomic
def _apply(request, document, details: DocumentDetailsForm, data: dict) -> None:
    """Corrections and the decision together: both or neither."""
    if details.has_changed():
        services.document_update(document=document, actor=request.user, **details.service_fields())
    if data["decision"] == ReviewForm.VOID:
        services.document_void(document=document, actor=request.user, reason=data["reason"])
    else:
        services.document_review(
            document=document,
            actor=request.user,
            valid=data["decision"] == ReviewForm.VALID,
            reason=data["reason"],
        )


def _to_next(request, tenant_slug, document, *, already: bool = False):
    document.refresh_from_db()
    if already:
        messages.info(request, f"{document} was already valid; its status is unchanged.")
    else:
        messages.success(request, f"{document} marked {document.get_status_display().lower()}.")
    following = next_pending(Workspace.of(request), after=document)
    if following is None:
        messages.info(request, "The review queue is empty.")
        return redirect("documents:review_queue", tenant_slug=tenant_slug)
    return redirect("documents:review", tenant_slug=tenant_slug, public_id=following.public_id)


@role_required(Role.EDITOR)
@require_POST
def void(request, tenant_slug, public_id):
    """Void from the document page (R21)."""
    document = get_document(request.membership, public_id)
    form = VoidForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([m for errors in form.errors.values() for m in errors])
        services.document_void(
            document=document, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        show_error(request, error)
    else:
        messages.success(request, "Document voided.")
    return redirect("documents:detail", tenant_slug=tenant_slug, public_id=public_id)
