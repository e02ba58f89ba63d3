from django.urls import path

from customers.views import addresses, customers, history, shipto

app_name = "customers"

customer = "<uuid:public_id>/"

urlpatterns = [
    path("", customers.customer_list, name="list"),
    path("add/", customers.customer_create, name="create"),
    path(customer, customers.customer_detail, name="detail"),
    path(customer + "edit/", customers.customer_edit, name="edit"),
    path(customer + "delete/", customers.customer_delete, name="delete"),
    path(customer + "active/", customers.customer_toggle_active, name="toggle_active"),
    # ShipTo tab (R11, R12)
    path(customer + "shipto/", shipto.shipto, name="shipto"),
    path(customer + "shipto/zones/add/", shipto.zone_add, name="zone_add"),
    path(customer + "shipto/zones/<uuid:zone_id>/remove/", shipto.zone_remove, name="zone_remove"),
    path(customer + "shipto/links/add/", shipto.link_add, name="link_add"),
    path(customer + "shipto/links/<uuid:link_id>/remove/", shipto.link_remove, name="link_remove"),
    # Addresses & Contacts tab (R15-R18)
    path(customer + "addresses/", addresses.addresses, name="addresses"),
    path(customer + "addresses/add/", addresses.address_add, name="address_add"),
    path(
        customer + "addresses/<uuid:address_id>/edit/", addresses.address_edit, name="address_edit"
    ),
    path(
        customer + "addresses/<uuid:address_id>/toggle/",
        addresses.address_toggle,
        name="address_toggle",
    ),
    path(customer + "contacts/add/", addresses.contact_add, name="contact_add"),
    path(
        customer + "contacts/<uuid:contact_id>/edit/", addresses.contact_edit, name="contact_edit"
    ),
    path(
        customer + "contacts/<uuid:contact_id>/delete/",
        addresses.contact_delete,
        name="contact_delete",
    ),
    path(
        customer + "addresses/<uuid:owner_id>/channels/add/",
        addresses.channel_add,
        {"owner": "address"},
        name="address_channel_add",
    ),
    path(
        customer + "contacts/<uuid:owner_id>/channels/add/",
        addresses.channel_add,
        {"owner": "contact"},
        name="contact_channel_add",
    ),
    path(
        customer + "channels/<uuid:channel_id>/remove/",
        addresses.channel_remove,
        name="channel_remove",
    ),
    # History tab (R14)
    path(customer + "history/", history.history, name="history"),
]
