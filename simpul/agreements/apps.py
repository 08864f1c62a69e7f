from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "simpul.agreements"
    verbose_name = "Agreements"
