from django.urls import path

from documents import views, views_exposure, views_notes, views_requests, views_review

app_name = "documents"

urlpatterns = [
    path("documents/", views.document_list, name="list"),
    path("documents/new/", views.document_pick_customer, name="pick_customer"),
    path("documents/review/", views_review.queue, name="review_queue"),
    path("documents/review/next/", views_review.review_next, name="review_next"),
    path("documents/<uuid:public_id>/", views.document_detail, name="detail"),
    path("documents/<uuid:public_id>/edit/", views.document_edit, name="edit"),
    path("documents/<uuid:public_id>/file/", views.document_file, name="file"),
    path("documents/<uuid:public_id>/review/", views_review.review, name="review"),
    path("documents/<uuid:public_id>/void/", views_review.void, name="void"),
    path("exposure/", views_exposure.report, name="exposure"),
    path("exposure/export/", views_exposure.export_start, name="exposure_export_start"),
    path(
        "exposure/exports/<uuid:public_id>/", views_exposure.export_status, name="exposure_export"
    ),
    path(
        "exposure/exports/<uuid:public_id>/download/",
        views_exposure.export_download,
        name="exposure_download",
    ),
    path(
        "customers/<uuid:public_id>/documents/", views.customer_documents, name="customer_documents"
    ),
    path("customers/<uuid:public_id>/documents/new/", views.document_create, name="create"),
    # Comments & Files (R24-R27)
    path("customers/<uuid:public_id>/comments/", views_notes.customer_notes, name="customer_notes"),
    path("documents/<uuid:public_id>/comments/", views_notes.document_notes, name="document_notes"),
    path("notes/<uuid:public_id>/edit/", views_notes.note_edit, name="note_edit"),
    path("notes/<uuid:public_id>/remove/", views_notes.note_remove, name="note_remove"),
    path("notes/<uuid:public_id>/file/", views_notes.note_file, name="note_file"),
    # Certificate requests (R28-R30)
    path("requests/", views_requests.request_list, name="requests"),
    path("requests/missing/", views_requests.request_missing, name="request_missing"),
    path("requests/<uuid:public_id>/resend/", views_requests.request_resend, name="request_resend"),
    path("requests/<uuid:public_id>/cancel/", views_requests.request_cancel, name="request_cancel"),
    path(
        "customers/<uuid:public_id>/request/", views_requests.request_create, name="request_create"
    ),
]
