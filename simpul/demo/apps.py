from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo: seeding of the demo network, users, children and cases through the services of
    every other app (``manage.py seed_demo``). It depends on every app; no app depends on it."""

    name = "simpul.demo"
    label = "demo"
    verbose_name = "Demo"
