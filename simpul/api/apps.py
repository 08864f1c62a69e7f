from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "simpul.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from simpul.api import schema  # noqa: F401  (registers OpenAPI extensions)
