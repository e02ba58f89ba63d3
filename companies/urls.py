from django.urls import path

from companies import views

app_name = "companies"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("pick-company/", views.company_pick, name="pick"),
    path("companies/", views.company_list, name="list"),
    path("companies/add/", views.company_create, name="create"),
    path("companies/<uuid:public_id>/", views.company_edit, name="edit"),
    path("companies/<uuid:public_id>/move/", views.company_move, name="move"),
    path("companies/<uuid:public_id>/delete/", views.company_delete, name="delete"),
    path("members/", views.member_list, name="members"),
    path("members/add/", views.member_add, name="member_add"),
    path("members/<uuid:public_id>/", views.member_edit, name="member_edit"),
    path("members/<uuid:public_id>/remove/", views.member_remove, name="member_remove"),
    path(
        "members/invitations/<uuid:public_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("settings/", views.tenant_settings, name="settings"),
]
