from django import forms
from django.utils.translation import gettext_lazy as _

from coopnet.notifications.models import Delivery


class DeliveryForm(forms.Form):
    delivery = forms.ChoiceField(
        label=_("Email about briefs, referrals and reminders"),
        choices=Delivery.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Everything also waits in your inbox here. Mail you must get, such as password "
            "resets and invitations, comes whatever you choose."
        ),
        error_messages={
            "required": _("Choose how you want to hear from the network."),
            "invalid_choice": _("Choose one of the three options."),
        },
    )
