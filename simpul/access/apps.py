from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "simpul.access"
    verbose_name = "Access"
