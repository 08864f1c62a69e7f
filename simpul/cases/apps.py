from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "simpul.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self) -> None:
        from simpul.cases import receivers  # noqa: F401  (connects the signal receivers)
