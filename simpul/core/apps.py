from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "simpul.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Every app's home.py registers its own cards on the home page (simpul.core.home).
        from simpul.core import home

        home.autodiscover()
