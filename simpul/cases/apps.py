from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "simpul.cases"
    label = "cases"
    verbose_name = "Cases"
