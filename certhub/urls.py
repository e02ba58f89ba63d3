from django.contrib import admin
from django.urls import include, path

from companies import views as company_views

admin.site.site_header = "CertHub administration"
admin.site.site_title = "CertHub admin"

tenant_patterns = [
    path("", include("companies.urls")),
    path("customers/", include("customers.urls")),
    path("", include("documents.urls")),
    path("imports/", include("imports.urls")),
    path("security-log/", include("security.urls")),
]

urlpatterns = [
    path("", company_views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("t/<slug:tenant_slug>/", include(tenant_patterns)),
    # Certificate request links for customers without an account (R29).
    path("r/", include("documents.public_urls")),
    # The emailed link of an invitation to a tenant (R50).
    path("invitations/<str:token>/", company_views.invitation_accept, name="invitation_accept"),
]
