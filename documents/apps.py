from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"

    def ready(self):
        from documents import dashboard  # noqa: F401  (registers the dashboard panels)
