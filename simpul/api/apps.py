from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "simpul.api"
    label = "api"
    verbose_name = "API"
