from django.urls import path

from customers import views

app_name = "customers"

urlpatterns = [
    path("", views.customer_list, name="list"),
    path("<uuid:public_id>/", views.customer_tab, {"tab": "details"}, name="detail"),
    path("<uuid:public_id>/addresses/", views.customer_tab, {"tab": "addresses"},
         name="addresses"),
    path("<uuid:public_id>/shipto/", views.customer_tab, {"tab": "shipto"}, name="shipto"),
    path("<uuid:public_id>/history/", views.customer_tab, {"tab": "history"}, name="history"),
]
