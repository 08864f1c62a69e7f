from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "simpul.referrals"
    verbose_name = "Referrals"
