from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "coopnet.accounts"
    verbose_name = "Accounts"
