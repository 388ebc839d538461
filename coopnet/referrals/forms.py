"""Forms of the referral pages: passing on work, answering an offer, moving the pipeline on.

They only read and check what was typed; every rule about who may do what, and every write,
is in `coopnet.referrals.services`.
"""

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from coopnet.directory.forms import currency_choices
from coopnet.directory.models import Coop, Service
from coopnet.referrals.models import Referral

# A co-op's place in the order "one after another": an input named after its id.
POSITION_PREFIX = "position_"
# The suggestions ticked for the sender on the first look, before they choose.
PRETICKED_SUGGESTIONS = 3


def _coop_field(coops: Sequence[Coop], label: Any) -> forms.ModelChoiceField:
    """A choice of co-op that a person with only one co-op never has to make.

    Built from a list already fetched, so a page with many small forms makes no query for it.
    """
    field = forms.ModelChoiceField(
        queryset=Coop.objects.filter(pk__in=[c.pk for c in coops]).order_by("name"),
        label=label,
        empty_label=None,
    )
    if len(coops) == 1:
        field.widget = forms.HiddenInput()
        field.initial = coops[0].pk
        field.required = False
    return field


class AnsweringCoopMixin:
    """The co-op a person answers for: the one they chose, or their only one."""

    def clean_coop(self) -> Coop | None:
        chosen = self.cleaned_data.get("coop")
        if chosen is None and len(self.coops) == 1:
            return self.coops[0]
        if chosen is None:
            raise ValidationError(_("Choose the co-op you answer for."))
        return chosen


class ReferralForm(forms.Form):
    """Passing on a lead. The view gives it the sender's possible co-ops and, once the title
    is known, the suggested co-ops (best first), which come first in the list of co-ops."""

    from_coop = forms.ModelChoiceField(
        queryset=Coop.objects.none(), label=_("Pass it on from"), empty_label=None
    )
    title = forms.CharField(
        label=_("What the work is, in a line"),
        max_length=200,
        help_text=_("For example: a Drupal site for a housing association."),
    )
    description = forms.CharField(
        label=_("Details"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the client needs, the timing and anything the next co-op should know."),
    )
    services = forms.ModelMultipleChoiceField(
        queryset=Service.objects.order_by("name"),
        label=_("Services it needs"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    estimated_value = forms.IntegerField(
        label=_("Estimated value"),
        min_value=0,
        required=False,
        help_text=_("A whole number, if you have an idea. The co-ops it is offered to see it."),
    )
    currency = forms.ChoiceField(label=_("Currency"), initial="GBP")
    deadline = forms.DateField(
        label=_("Answer needed by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("If nobody has taken it by then, it follows what you choose below."),
    )
    client_name = forms.CharField(label=_("Client's name"), max_length=150, required=False)
    client_organisation = forms.CharField(
        label=_("Client's organisation"), max_length=200, required=False
    )
    client_email = forms.EmailField(label=_("Client's email"), required=False)
    client_phone = forms.CharField(label=_("Client's telephone"), max_length=50, required=False)
    client_notes = forms.CharField(
        label=_("Notes about the client"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    audience = forms.ChoiceField(
        label=_("Offer it to"),
        choices=[(value, capfirst(label)) for value, label in Referral.Audience.choices],
        initial=Referral.Audience.NETWORK,
        widget=forms.RadioSelect,
    )
    chosen_coops = forms.ModelMultipleChoiceField(
        queryset=Coop.objects.none(),
        label=_("The co-ops you choose"),
        required=False,
    )
    when_unanswered = forms.ChoiceField(
        label=_("If nobody takes it in time"),
        choices=[(value, capfirst(label)) for value, label in Referral.WhenUnanswered.choices],
        initial=Referral.WhenUnanswered.RETURN,
        widget=forms.RadioSelect,
    )

    LEAD_FIELDS = ("title", "description", "estimated_value", "currency", "deadline")

    def __init__(
        self,
        *args: Any,
        from_coops: QuerySet,
        candidates: Sequence[Coop] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = [c for c in currency_choices() if c[0]]
        self.fields["from_coop"].queryset = from_coops
        self.only_coop = from_coops.first() if from_coops.count() == 1 else None
        if self.only_coop is not None:
            self.fields["from_coop"].widget = forms.HiddenInput()
            self.fields["from_coop"].initial = self.only_coop.pk
            self.fields["from_coop"].required = False
        # Every member co-op may be chosen; the list shows the suggested ones first.
        self.fields["chosen_coops"].queryset = Coop.objects.members()
        self.candidates = list(candidates)
        for coop in self.candidates:
            self.fields[f"{POSITION_PREFIX}{coop.pk}"] = forms.IntegerField(
                label=_("Place in the order for %(name)s") % {"name": coop.name},
                min_value=1,
                max_value=999,
                required=False,
            )

    def clean_from_coop(self) -> Coop | None:
        return self.cleaned_data.get("from_coop") or self.only_coop

    def clean_deadline(self) -> datetime.date | None:
        deadline = self.cleaned_data.get("deadline")
        if deadline is not None and deadline < timezone.localdate():
            raise ValidationError(_("The date to answer by cannot be in the past."))
        return deadline

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        audience = data.get("audience")
        chosen = list(data.get("chosen_coops") or [])
        if audience and audience != Referral.Audience.NETWORK and not chosen:
            self.add_error(
                "chosen_coops",
                _("Choose at least one co-op, or offer it to every member co-op."),
            )
        sender = data.get("from_coop")
        if sender is not None and sender in chosen:
            self.add_error("chosen_coops", _("You cannot pass work on to your own co-op."))
        data["chosen_coops"] = self.ordered(chosen)
        return data

    def ordered(self, chosen: Iterable[Coop]) -> list[Coop]:
        """The chosen co-ops in the order they are to be asked: those given a place first, by
        that place, then the others in the order of the list (the suggestions' order)."""
        listed = {coop.pk: index for index, coop in enumerate(self.candidates)}

        def key(coop: Coop) -> tuple[int, int, str]:
            place = self.cleaned_data.get(f"{POSITION_PREFIX}{coop.pk}")
            return (place if place is not None else 1000, listed.get(coop.pk, 10**6), coop.name)

        return sorted(chosen, key=key)

    def chosen_ids(self) -> set[int]:
        """The ids ticked (as typed, valid or not), to re-render the list as it was."""
        if not self.is_bound:
            return {coop.pk for coop in self.initial.get("chosen_coops", [])}
        ids = set()
        for value in self.data.getlist("chosen_coops"):
            if str(value).isdigit():
                ids.add(int(value))
        return ids

    def client_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in Referral.CLIENT_FIELDS]

    def position_field(self, coop: Coop) -> forms.BoundField:
        return self[f"{POSITION_PREFIX}{coop.pk}"]

    def service_kwargs(self) -> dict[str, Any]:
        """What `referral_create` takes, from the cleaned data."""
        data = self.cleaned_data
        return {
            "from_coop": data["from_coop"],
            "title": data["title"],
            "description": data["description"],
            "services": list(data["services"]),
            "estimated_value": data["estimated_value"],
            "currency": data["currency"],
            "deadline": data["deadline"],
            **{name: data[name] for name in Referral.CLIENT_FIELDS},
            "audience": data["audience"],
            "when_unanswered": data["when_unanswered"],
            "chosen_coops": data["chosen_coops"]
            if data["audience"] != Referral.Audience.NETWORK
            else [],
        }


class ClaimForm(AnsweringCoopMixin, forms.Form):
    coop = forms.ModelChoiceField(
        queryset=Coop.objects.none(), label=_("Claim it for"), empty_label=None
    )

    def __init__(self, *args: Any, coops: Sequence[Coop], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.coops = list(coops)
        self.fields["coop"] = _coop_field(coops, _("Claim it for"))


class DeclineForm(AnsweringCoopMixin, forms.Form):
    coop = forms.ModelChoiceField(
        queryset=Coop.objects.none(), label=_("Decline it for"), empty_label=None
    )
    reason = forms.CharField(
        label=_("Why you are declining"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The co-op that passed it on sees this. For example: fully booked until May."),
    )

    def __init__(self, *args: Any, coops: Sequence[Coop], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.coops = list(coops)
        self.fields["coop"] = _coop_field(coops, _("Decline it for"))
        # The coop field first, the reason after: the order a person answers in.
        self.order_fields(["coop", "reason"])


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Where it stands now"), widget=forms.RadioSelect)
    value = forms.IntegerField(
        label=_("Value of the work won"),
        min_value=0,
        required=False,
        help_text=_(
            "Only if you want to share it, and only when it is won. Only your two co-ops "
            "and the network's coordinators see it."
        ),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: Any, statuses: Iterable[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Referral.Status.choices)
        self.fields["status"].choices = [(s, capfirst(labels[s])) for s in statuses]
        if "won" not in statuses:
            del self.fields["value"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("value") is not None and data.get("status") != Referral.Status.WON:
            self.add_error("value", _("A value is recorded only when the work is won."))
        return data
