from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "simpul.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from simpul.accounts import signals  # noqa: F401 - connects the receivers
