from django.urls import path

from documents.views import certificate_requests, documents, exposure, notes, review

app_name = "documents"

urlpatterns = [
    path("documents/", documents.document_list, name="list"),
    path("documents/new/", documents.document_pick_customer, name="pick_customer"),
    path("documents/review/", review.queue, name="review_queue"),
    path("documents/review/next/", review.review_next, name="review_next"),
    path("documents/<uuid:public_id>/", documents.document_detail, name="detail"),
    path("documents/<uuid:public_id>/edit/", documents.document_edit, name="edit"),
    path("documents/<uuid:public_id>/file/", documents.document_file, name="file"),
    path("documents/<uuid:public_id>/review/", review.review, name="review"),
    path("documents/<uuid:public_id>/void/", review.void, name="void"),
    path("exposure/", exposure.report, name="exposure"),
    path("exposure/export/", exposure.export_start, name="exposure_export_start"),
    path("exposure/exports/<uuid:public_id>/", exposure.export_status, name="exposure_export"),
    path(
        "exposure/exports/<uuid:public_id>/download/",
        exposure.export_download,
        name="exposure_download",
    ),
    path(
        "customers/<uuid:public_id>/documents/",
        documents.customer_documents,
        name="customer_documents",
    ),
    path("customers/<uuid:public_id>/documents/new/", documents.document_create, name="create"),
    # Comments & Files (R24-R27)
    path("customers/<uuid:public_id>/comments/", notes.customer_notes, name="customer_notes"),
    path("documents/<uuid:public_id>/comments/", notes.document_notes, name="document_notes"),
    path("notes/<uuid:public_id>/edit/", notes.note_edit, name="note_edit"),
    path("notes/<uuid:public_id>/remove/", notes.note_remove, name="note_remove"),
    path("notes/<uuid:public_id>/file/", notes.note_file, name="note_file"),
    # Certificate requests (R28-R30)
    path("requests/", certificate_requests.certificate_request_list, name="requests"),
    path("requests/missing/", certificate_requests.request_missing, name="request_missing"),
    path(
        "requests/<uuid:public_id>/resend/",
        certificate_requests.certificate_request_resend,
        name="request_resend",
    ),
    path(
        "requests/<uuid:public_id>/cancel/",
        certificate_requests.certificate_request_cancel,
        name="request_cancel",
    ),
    path(
        "customers/<uuid:public_id>/request/",
        certificate_requests.certificate_request_create,
        name="request_create",
    ),
]
