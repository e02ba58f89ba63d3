from django.urls import path

from documents import views, views_notes

app_name = "documents"

urlpatterns = [
    path("documents/", views.document_list, name="list"),
    path("requests/", views.request_list, name="requests"),
    path("customers/<uuid:public_id>/documents/", views.customer_documents,
         name="customer_documents"),
    # Comments & Files (R24-R27)
    path("customers/<uuid:public_id>/comments/", views_notes.customer_notes,
         name="customer_notes"),
    path("documents/<uuid:public_id>/comments/", views_notes.document_notes,
         name="document_notes"),
    path("notes/<uuid:public_id>/edit/", views_notes.note_edit, name="note_edit"),
    path("notes/<uuid:public_id>/remove/", views_notes.note_remove, name="note_remove"),
    path("notes/<uuid:public_id>/file/", views_notes.note_file, name="note_file"),
]
