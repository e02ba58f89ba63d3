from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "customers"

    def ready(self):
        from customers import dashboard  # noqa: F401  (registers the dashboard panel)
