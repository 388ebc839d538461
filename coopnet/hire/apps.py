from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HireConfig(AppConfig):
    name = "coopnet.hire"
    verbose_name = _("Hiring the network")
