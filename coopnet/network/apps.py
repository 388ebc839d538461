from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "coopnet.network"
    verbose_name = "Network settings and schedule"
