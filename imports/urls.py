from django.urls import path

from imports import views, views_mapping

app_name = "imports"

urlpatterns = [
    path("", views.import_start, name="start"),
    path("templates/<str:kind>.xlsx", views.template_download, name="template"),
    path("export/", views.export_download, name="export"),
    path("<uuid:public_id>/", views.batch_detail, name="batch"),
    path("<uuid:public_id>/progress/", views.batch_progress, name="progress"),
    path("<uuid:public_id>/apply/", views.batch_apply, name="apply"),
    path("<uuid:public_id>/cancel/", views.batch_cancel, name="cancel"),
    path("<uuid:public_id>/validate/", views.batch_revalidate, name="revalidate"),
    path("<uuid:public_id>/undo/", views.batch_undo, name="undo"),
    path("<uuid:public_id>/mark-failed/", views.batch_mark_failed, name="mark_failed"),
    path("<uuid:public_id>/errors.xlsx", views.batch_errors_download, name="errors"),
    path("<uuid:public_id>/map/", views_mapping.batch_map, name="map"),
]
