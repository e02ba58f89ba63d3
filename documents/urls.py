from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("documents/", views.document_list, name="list"),
    path("requests/", views.request_list, name="requests"),
    path("customers/<uuid:public_id>/documents/", views.customer_documents,
         name="customer_documents"),
    path("customers/<uuid:public_id>/comments/", views.customer_notes, name="customer_notes"),
]
