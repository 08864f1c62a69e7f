from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "simpul.agreements"
    verbose_name = "Agreements"

    def ready(self) -> None:
        from simpul.agreements.partner_status import agreement_status
        from simpul.directory.partner_status import partner_status_register

        partner_status_register("agreement", agreement_status)
