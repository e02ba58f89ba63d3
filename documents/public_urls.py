"""Pages for people without an account: the upload page of a certificate request (R29).
Mounted at /r/ in certhub/urls.py, outside the tenant URLs."""

from django.urls import path

from documents.views import public

app_name = "public"

urlpatterns = [
    path("<str:token>/", public.request_upload, name="request_upload"),
]
