"""Forms of the brief journey: the client's brief and choice, the coordinator's routing, and the
co-ops' answers, passes, outcomes and case studies.

Forms only check what a person typed; every rule about who may do what, and when, lives in
`coopnet.hire.services`, which the views call with the cleaned data.
"""

from typing import Any

from django import forms
from django.db.models import F
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from coopnet.directory.models import Coop, Sector, Service
from coopnet.hire.models import Brief, BriefRecipient

NOT_SURE = _("— not sure —")
# The model only asks for a positive number; a brief means a plain range, and anything outside
# it (0, -5, 100000000, "lots") gets one message a client understands, not the database's.
EFFORT_DAYS_MIN = 1
EFFORT_DAYS_MAX = 10_000
EFFORT_DAYS_MESSAGE = _(
    "A whole number of person-days between 1 and 10,000; leave it empty if you don't know."
)


class ErrorSummaryMixin:
    """What the summary at the top of a refused form lists (hire/_form_errors.html)."""

    def fields_with_errors(self) -> list[forms.BoundField]:
        return [field for field in self.visible_fields() if field.errors]


class BriefForm(ErrorSummaryMixin, forms.ModelForm):
    """A client's brief. `website` is a honeypot: people never see it, some robots fill it."""

    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    consent_to_share = forms.BooleanField(
        label=_("I agree that my brief and my contact details are shared with member co-ops"),
        help_text=_(
            "Only the network's coordinators and the co-ops we send your brief to see your name, "
            "email and organisation. Nobody else does, and nothing here is published."
        ),
        error_messages={
            "required": _("We can send your brief to co-ops only if you agree to this.")
        },
    )

    effort_days = forms.IntegerField(
        label=_("Estimated effort, in person-days"),
        required=False,
        min_value=EFFORT_DAYS_MIN,
        max_value=EFFORT_DAYS_MAX,
        help_text=_(
            "Only if you know, from 1 to 10,000. One person working one day is one person-day."
        ),
        error_messages={
            "invalid": EFFORT_DAYS_MESSAGE,
            "min_value": EFFORT_DAYS_MESSAGE,
            "max_value": EFFORT_DAYS_MESSAGE,
        },
    )

    class Meta:
        model = Brief
        fields = [
            "contact_name",
            "contact_email",
            "organisation",
            "sector",
            "text",
            "services",
            "budget",
            "timeline",
            "effort_days",
            "location",
            "remote_ok",
            "consent_to_share",
        ]
        labels = {
            "organisation": _("Your organisation"),
            "sector": _("Your sector"),
            "location": _("Where you are"),
            "remote_ok": _("Working remotely is fine"),
        }
        help_texts = {
            "contact_email": _("We email you a private link to follow your brief."),
            "organisation": _("Leave it empty if you are asking for yourself."),
            "text": _(
                "What you want to achieve, for whom, and anything you already have. Plain words "
                "are best; at most 5,000 characters."
            ),
            "location": _("A town or region, if it matters who is nearby."),
        }
        widgets = {
            "text": forms.Textarea(attrs={"rows": 8}),
            "services": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact_name"].widget.attrs["autocomplete"] = "name"
        self.fields["contact_email"].widget.attrs["autocomplete"] = "email"
        self.fields["organisation"].widget.attrs["autocomplete"] = "organization"
        self.fields["sector"].queryset = Sector.objects.order_by("name")
        self.fields["sector"].empty_label = NOT_SURE
        self.fields["services"].required = False
        self.fields["services"].queryset = Service.objects.select_related("group").order_by(
            F("group__position").asc(nulls_last=True), F("group__name").asc(nulls_last=True), "name"
        )
        for name in ("budget", "timeline"):
            self.fields[name].choices = [
                (value, capfirst(label)) for value, label in self.fields[name].choices
            ]

    def service_groups(self) -> list[tuple[str, list]]:
        """The service checkboxes grouped the way the directory groups services."""
        groups: dict[str, list] = {}
        for checkbox in self["services"].subwidgets:
            service = checkbox.data["value"].instance
            name = service.group.name if service.group else str(_("Other services"))
            groups.setdefault(name, []).append(checkbox)
        return list(groups.items())

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website", "").strip())

    def submission(self) -> dict[str, Any]:
        """The cleaned values as `services.brief_submit` takes them."""
        data = self.cleaned_data
        return {
            "contact_name": data["contact_name"],
            "contact_email": data["contact_email"],
            "organisation": data["organisation"],
            "sector": data["sector"],
            "text": data["text"],
            "services": list(data["services"]),
            "budget": data["budget"],
            "timeline": data["timeline"],
            "effort_days": data["effort_days"],
            "location": data["location"],
            "remote_ok": data["remote_ok"],
            "consent_to_share": data["consent_to_share"],
        }


class BriefChooseForm(ErrorSummaryMixin, forms.Form):
    """The client picks one interested co-op, or a team whose members all said interested.

    Choices are `coop-<recipient id>` and `team-<consortium id>`.
    """

    choice = forms.ChoiceField(
        label=_("Who do you want to work with?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a co-op or a team.")},
    )

    def __init__(self, *args: Any, recipients=(), teams=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.recipients = {f"coop-{r.pk}": r for r in recipients}
        self.teams = {f"team-{t.pk}": t for t in teams}
        self.fields["choice"].choices = [
            *((key, r.coop.name) for key, r in self.recipients.items()),
            *(
                (
                    key,
                    _("The team led by %(lead)s: %(members)s")
                    % {
                        "lead": t.lead.name,
                        "members": ", ".join(m.coop.name for m in t.memberships.all()),
                    },
                )
                for key, t in self.teams.items()
            ),
        ]

    def chosen(self) -> dict[str, Any]:
        """Keyword arguments for `services.brief_choose`."""
        key = self.cleaned_data["choice"]
        if key in self.teams:
            return {"consortium": self.teams[key]}
        return {"recipients": [self.recipients[key]]}


class BriefWithdrawForm(ErrorSummaryMixin, forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, withdraw my brief"),
        error_messages={"required": _("Tick the box to confirm that you want to withdraw it.")},
    )


class BriefSendForm(ErrorSummaryMixin, forms.Form):
    """The coordinator's choice of co-ops: the suggestions, ticked or not, and one more."""

    coops = forms.ModelMultipleChoiceField(
        label=_("Suggested co-ops"),
        queryset=Coop.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    extra_coop = forms.ModelChoiceField(
        label=_("Also send it to"),
        queryset=Coop.objects.none(),
        required=False,
        empty_label=_("— nobody else —"),
        help_text=_("Any other member co-op the brief has not been sent to."),
    )

    def __init__(self, *args: Any, suggested=(), not_yet_sent=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The template lays the checkboxes out itself, beside each suggestion's reasons.
        self.fields["coops"].queryset = Coop.objects.filter(pk__in=[c.pk for c in suggested])
        self.fields["extra_coop"].queryset = (
            not_yet_sent if not_yet_sent is not None else Coop.objects.none()
        ).order_by("name")

    def clean(self):
        data = super().clean()
        if not data.get("coops") and not data.get("extra_coop"):
            raise forms.ValidationError(_("Tick at least one co-op, or choose one to add."))
        return data

    def chosen_coops(self) -> list[Coop]:
        coops = list(self.cleaned_data["coops"])
        extra = self.cleaned_data.get("extra_coop")
        if extra is not None and extra not in coops:
            coops.append(extra)
        return coops


class BriefTeamSendForm(ErrorSummaryMixin, forms.Form):
    """A proposed team, named by its lead and members, so a changed suggestion is noticed."""

    lead = forms.IntegerField(widget=forms.HiddenInput)
    members = forms.CharField(widget=forms.HiddenInput)

    def member_ids(self) -> set[int]:
        raw = self.cleaned_data["members"].split(",")
        return {int(part) for part in raw if part.strip().isdigit()}


class BriefCloseForm(ErrorSummaryMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why close it?"),
        max_length=500,
        required=False,
        help_text=_("For the audit log, for example “spam” or “no co-op fits”."),
    )
    tell_client = forms.BooleanField(
        label=_("Email the client that it is closed"),
        required=False,
        initial=True,
        help_text=_("Untick it for spam: mail to that address would only help the sender."),
    )


class BriefAnswerForm(ErrorSummaryMixin, forms.Form):
    INTERESTED = "interested"
    Reason = BriefRecipient.DeclineReason
    DECLINES = [
        (f"decline-{Reason.BUSY}", _("We decline: we are too busy now")),
        (f"decline-{Reason.NOT_OUR_WORK}", _("We decline: it is not the kind of work we do")),
        (f"decline-{Reason.OTHER}", _("We decline for another reason")),
    ]

    answer = forms.ChoiceField(
        label=_("Are you interested?"),
        widget=forms.RadioSelect,
        choices=[(INTERESTED, _("We are interested")), *DECLINES],
        help_text=_(
            "Why you decline helps the network send you briefs that fit: "
            "a busy month says nothing about the kind of work."
        ),
        error_messages={"required": _("Say whether you are interested or decline.")},
    )
    message = forms.CharField(
        label=_("Your message"),
        max_length=BriefRecipient._meta.get_field("response_message").max_length,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Interested: a message to the client, who reads it on their brief's page. "
            "Declining: your reason, which only coordinators see; the client reads “declined”."
        ),
        error_messages={"required": _("Write a message to the client, or your reason.")},
    )

    def __init__(self, *args: Any, can_be_interested: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Once interested, a co-op may still decline (until the client chooses), nothing else.
        if not can_be_interested:
            self.fields["answer"].label = _("Decline after all?")
            self.fields["answer"].choices = self.DECLINES
            self.fields["message"].label = _("Your reason")
            self.fields["message"].help_text = _(
                "Only coordinators read it; the client sees that you declined."
            )

    @property
    def interested(self) -> bool:
        return self.cleaned_data["answer"] == self.INTERESTED

    @property
    def decline_reason(self) -> str:
        return "" if self.interested else self.cleaned_data["answer"].removeprefix("decline-")


class BriefPassForm(ErrorSummaryMixin, forms.Form):
    to_coop = forms.ModelChoiceField(
        label=_("Pass it to"),
        queryset=Coop.objects.none(),
        empty_label=_("— choose a member co-op —"),
        error_messages={"required": _("Choose the co-op to pass it to.")},
    )
    message = forms.CharField(
        label=_("A note for them (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, candidates=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if candidates is not None:
            self.fields["to_coop"].queryset = candidates.order_by("name")


class BriefOutcomeForm(ErrorSummaryMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("Result"),
        widget=forms.RadioSelect,
        choices=[
            (BriefRecipient.Outcome.WON, _("We won the work")),
            (BriefRecipient.Outcome.LOST, _("We did not get it")),
        ],
        error_messages={"required": _("Say whether you won or lost it.")},
    )
    value = forms.DecimalField(
        label=_("Value of the work (optional)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text=_("In your currency, without the symbol. Only the network sees it."),
    )

    def __init__(self, *args: Any, chosen: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not chosen:  # the client chose another co-op: only "lost" is true
            self.fields["outcome"].choices = self.fields["outcome"].choices[1:]


class CaseStudyForm(ErrorSummaryMixin, forms.Form):
    title = forms.CharField(label=_("Project title"), max_length=200)
    summary = forms.CharField(
        label=_("What was done"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown. It appears on the profiles of the co-ops that did the work."),
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2200)
    client_name = forms.CharField(
        label=_("The client, as shown (optional)"),
        max_length=200,
        required=False,
        help_text=_(
            "Public, on the profiles. The client was told their organisation is not published: "
            "name them only if they agreed."
        ),
    )


class CoopConflictForm(ErrorSummaryMixin, forms.Form):
    other_coop = forms.ModelChoiceField(
        label=_("Co-op you will not work with"),
        queryset=Coop.objects.none(),
        empty_label=_("— choose a member co-op —"),
        error_messages={"required": _("Choose the co-op.")},
    )
    note = forms.CharField(
        label=_("Why (optional; only coordinators read it)"),
        max_length=300,
        required=False,
    )

    def __init__(self, *args: Any, coop: Coop, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["other_coop"].queryset = (
            Coop.objects.members().exclude(pk=coop.pk).order_by("name")
        )


class TeamShapeForm(forms.Form):
    """A coordinator's say in the proposed teams: co-ops every team includes or leaves out."""

    include = forms.ModelMultipleChoiceField(
        label=_("Every team includes"),
        queryset=Coop.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Hold Ctrl (or ⌘) to choose several."),
    )
    exclude = forms.ModelMultipleChoiceField(
        label=_("No team includes"),
        queryset=Coop.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    max_size = forms.IntegerField(
        label=_("Largest team"), min_value=2, max_value=8, initial=4, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = Coop.objects.members().order_by("name")
        self.fields["include"].queryset = members
        self.fields["exclude"].queryset = members

    def shape(self) -> dict[str, Any]:
        """Keyword arguments for `brief_suggestions`; none when the form is not valid."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {
            "team_include_ids": [c.pk for c in self.cleaned_data["include"]],
            "team_exclude_ids": [c.pk for c in self.cleaned_data["exclude"]],
            "max_team_size": self.cleaned_data["max_size"] or 4,
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        both = set(cleaned.get("include") or []) & set(cleaned.get("exclude") or [])
        if both:
            raise forms.ValidationError(
                _("A co-op cannot be both included and left out: %(names)s.")
                % {"names": ", ".join(sorted(c.name for c in both))}
            )
        return cleaned
