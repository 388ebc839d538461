"""Forms for editing a co-op's profile.

Every model field here is rendered with a hidden copy of the value the page was built with
(`show_hidden_initial`), so `changed_data` lists only what the person really changed on the
page. A stale page never writes old values back over newer ones, and the audit row names
exactly the fields that were edited. Availability is edited only in its own small form at the
top of the page (`CoopAvailabilityForm`); the profile form does not carry those fields at all.
"""

from functools import cache
from typing import Any

import pycountry
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import F
from django.template.defaultfilters import filesizeformat
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from coopnet.directory.models import Client, Coop, Service, Technology
from coopnet.directory.validators import (
    LOGO_CONTENT_TYPES,
    LOGO_MAX_SIDE,
    check_logo,
    coop_edit_errors,
)

# The kinds of social links offered as inputs; other kinds an import brought are kept as is.
SOCIAL_KINDS: dict[str, Any] = {
    "mastodon": _("Mastodon"),
    "bluesky": _("Bluesky"),
    "github": _("GitHub"),
    "gitlab": _("GitLab"),
    "linkedin": _("LinkedIn"),
    "twitter": _("X (Twitter)"),
}

DATE_INPUT = {"type": "date"}
NOT_STATED = _("— not stated —")


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d")


@cache
def country_choices() -> list[tuple[str, str]]:
    countries = sorted(
        pycountry.countries, key=lambda c: getattr(c, "common_name", c.name).casefold()
    )
    return [("", NOT_STATED)] + [(c.alpha_2, getattr(c, "common_name", c.name)) for c in countries]


@cache
def currency_choices() -> list[tuple[str, str]]:
    currencies = sorted(pycountry.currencies, key=lambda c: c.alpha_3)
    return [("", NOT_STATED)] + [(c.alpha_3, f"{c.alpha_3} · {c.name}") for c in currencies]


def _with_current(choices: list[tuple[str, str]], current: str) -> list[tuple[str, str]]:
    """Keep a value an import stored even if it is not in the list, rather than erase it."""
    if current and current not in {value for value, _label in choices}:
        return [*choices, (current, current)]
    return choices


class LanguagesField(forms.CharField):
    """Languages typed as a comma-separated list of names or codes, stored as ISO 639 codes."""

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, list):
            return value
        codes: list[str] = []
        unknown: list[str] = []
        for word in (value or "").split(","):
            word = word.strip()
            if not word:
                continue
            try:
                language = pycountry.languages.lookup(word)
            except LookupError:
                unknown.append(word)
                continue
            code = getattr(language, "alpha_2", None) or language.alpha_3
            if code not in codes:
                codes.append(code)
        if unknown:
            raise ValidationError(
                _("We do not know the language %(words)s. Use names like Welsh or codes like cy.")
                % {"words": ", ".join(unknown)},
                code="unknown_language",
            )
        return codes

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, (list, tuple)):
            return ", ".join(value)
        return value or ""

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return list(initial or []) != self.to_python(data)
        except ValidationError:
            return True


def tidy_choices(form: forms.BaseForm) -> None:
    """Drop-downs read like the public pages: “Fully booked”, not “fully booked”.

    The model's choice labels stay lower case (they are used inside sentences); the empty choice
    reads “— not stated —” everywhere, not “---------”.
    """
    for field in form.fields.values():
        if isinstance(field, forms.ModelMultipleChoiceField):
            continue
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label is not None:
                field.empty_label = NOT_STATED
        elif isinstance(field, forms.ChoiceField):
            field.choices = [
                (value, NOT_STATED if value in ("", None) else capfirst(label))
                for value, label in field.choices
            ]


class CoopRulesMixin(forms.BaseModelForm):
    """Check the rules of `coop_edit_errors` on a Coop ModelForm, each message by its field.

    They run after the model's own validation, on the instance as the form built it, for the
    fields the person changed. A field that already has an error gets no second message.
    """

    def _post_clean(self) -> None:
        super()._post_clean()
        failed = set(self.errors)
        changed = set(self.changed_data) - failed
        for field, messages in coop_edit_errors(self.instance, changed).items():
            if field not in failed:
                # A rule about a field this form does not show goes on top of the form.
                self.add_error(field if field in self.fields else None, messages)


class HiddenInitialMixin:
    """Render every model field with its initial value alongside (see the module docstring)."""

    def _show_hidden_initial(self) -> None:
        model_fields = {f.name for f in Coop._meta.get_fields()}
        for name, field in self.fields.items():
            if name in model_fields and not isinstance(field, forms.FileField):
                field.show_hidden_initial = True

    def changed_model_data(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name] for name in self.changed_data if name in self._meta.fields
        }


PROFILE_FIELDSETS: list[tuple[Any, list[str]]] = [
    (_("About the co-op"), ["name", "description", "website", "email", "phone"]),
    (
        _("Legal"),
        ["legal_form", "registration_number", "registrar", "founded_on", "founded_precision"],
    ),
    (_("People"), ["worker_owners", "workers", "members_main_employment", "sector"]),
    (
        _("Where you are"),
        ["address", "locality", "region", "postcode", "country", "latitude", "longitude"],
    ),
    (
        _("Languages and rates"),
        ["languages", "day_rate_min", "day_rate_max", "day_rate_currency"],
    ),
]
AVAILABILITY_FORM_FIELDS = ["availability", "booked_until", "spare_capacity_days"]
TERM_FIELDS = ["services", "technologies", "clients"]


class CoopProfileForm(CoopRulesMixin, HiddenInitialMixin, forms.ModelForm):
    """What a co-op's worker-owners edit on their profile."""

    logo = forms.FileField(
        label=_("Upload a new logo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": LOGO_CONTENT_TYPES}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the current logo"), required=False)
    languages = LanguagesField(
        label=_("Languages you work in"),
        required=False,
        help_text=_("Separate them with commas, for example: English, Welsh."),
    )
    website = forms.URLField(
        label=_("Website"), required=False, max_length=300, assume_scheme="https"
    )
    latitude = forms.FloatField(
        label=_("Latitude"), required=False, help_text=_("Between -90 and 90, for the map.")
    )
    longitude = forms.FloatField(
        label=_("Longitude"), required=False, help_text=_("Between -180 and 180.")
    )

    class Meta:
        model = Coop
        fields = (
            [name for _legend, names in PROFILE_FIELDSETS for name in names]
            + TERM_FIELDS
            + ["logo"]
        )
        widgets = {
            "description": forms.Textarea(attrs={"rows": 10}),
            "founded_on": _date_widget(),
            "services": forms.CheckboxSelectMultiple,
            "technologies": forms.CheckboxSelectMultiple,
            "clients": forms.CheckboxSelectMultiple,
        }
        labels = {
            "founded_precision": _("How precise the founding date is"),
            "day_rate_currency": _("Currency"),
            "sector": _("The co-op's own sector"),
        }
        help_texts = {
            "description": _(
                "Markdown: **bold**, *italic*, [a link](https://example.org), and lists "
                "with a dash at the start of each line. Say what you do and for whom."
            ),
            "founded_on": _(
                "If you know only the year, choose 1 January of that year and the precision “Year”."
            ),
            "workers": _("Everyone who works there, members or not."),
            "day_rate_min": _("Per person and day, in the currency below."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        coop = self.instance
        self.fields["logo"].help_text = _(
            "PNG, JPEG or WebP, at most %(size)s and %(side)s×%(side)s pixels. SVG is not accepted."
        ) % {"size": filesizeformat(settings.LOGO_MAX_BYTES), "side": LOGO_MAX_SIDE}
        self.fields["country"] = forms.ChoiceField(
            label=_("Country"),
            required=False,
            choices=_with_current(country_choices(), coop.country),
        )
        self.fields["day_rate_currency"] = forms.ChoiceField(
            label=_("Currency"),
            required=False,
            choices=_with_current(currency_choices(), coop.day_rate_currency),
        )
        for kind, label in SOCIAL_KINDS.items():
            self.fields[f"social_{kind}"] = forms.CharField(
                label=label,
                required=False,
                max_length=300,
                initial=(coop.social_links or {}).get(kind, ""),
                help_text=_("The address of your page, or your handle."),
            )
        # Terms without a group or sector come last, under "other".
        self.fields["services"].queryset = Service.objects.select_related("group").order_by(
            F("group__position").asc(nulls_last=True), F("group__name").asc(nulls_last=True), "name"
        )
        self.fields["technologies"].queryset = Technology.objects.order_by("name")
        self.fields["clients"].queryset = Client.objects.select_related("sector").order_by(
            F("sector__name").asc(nulls_last=True), "name"
        )
        tidy_choices(self)
        self._show_hidden_initial()
        # The social inputs stand for one model field: compare them with what was shown too.
        for kind in SOCIAL_KINDS:
            self.fields[f"social_{kind}"].show_hidden_initial = True

    # --- what the template shows -------------------------------------------------------
    def fieldsets(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in PROFILE_FIELDSETS]

    def social_fields(self) -> list[forms.BoundField]:
        return [self[f"social_{kind}"] for kind in SOCIAL_KINDS]

    def term_fields(self) -> list[dict[str, Any]]:
        """Each taxonomy field with its grouped checkboxes and its hidden initial values."""
        return [
            {
                "field": self[name],
                "groups": self.term_groups(name),
                "hidden_initial": self._hidden_initial(name),
            }
            for name in TERM_FIELDS
        ]

    def _hidden_initial(self, name: str) -> str:
        # Nothing ticked renders no hidden input at all; on a re-render Django would then fill
        # it from what was just ticked, and the change would be lost on the next submit.
        if self.is_bound and self.add_initial_prefix(name) not in self.data:
            return ""
        return self[name].as_hidden(only_initial=True)

    def term_groups(self, name: str) -> list[tuple[str, list]]:
        """The checkboxes of a taxonomy field, grouped the way people look for them."""

        def group_of(term: Any) -> str:
            if name == "services":
                return term.group.name if term.group else str(_("Other services"))
            if name == "clients":
                return term.sector.name if term.sector else str(_("Sector not known"))
            return ""

        groups: dict[str, list] = {}
        for checkbox in self[name].subwidgets:
            groups.setdefault(group_of(checkbox.data["value"].instance), []).append(checkbox)
        return list(groups.items())

    # --- validation ---------------------------------------------------------------------
    def clean_logo(self) -> Any:
        upload = self.cleaned_data.get("logo")
        if not isinstance(upload, UploadedFile):
            return None
        extension = check_logo(upload)
        # Stored under the co-op's slug with the extension of what the file really is.
        upload.name = f"{self.instance.slug or 'logo'}.{extension}"
        return upload

    # --- what the service gets ------------------------------------------------------------
    def changed_profile_data(self) -> dict[str, Any]:
        """Only the model fields that changed, ready for `coop_update`."""
        data = {
            name: self.cleaned_data[name]
            for name in self.changed_data
            if name in self._meta.fields and name != "logo"
        }
        if self.cleaned_data.get("logo"):
            data["logo"] = self.cleaned_data["logo"]
        elif self.cleaned_data.get("remove_logo") and self.instance.logo:
            data["logo"] = ""
        changed_kinds = [kind for kind in SOCIAL_KINDS if f"social_{kind}" in self.changed_data]
        if changed_kinds:
            links = dict(self.instance.social_links or {})
            for kind in changed_kinds:
                value = self.cleaned_data[f"social_{kind}"].strip()
                if value:
                    links[kind] = value
                else:
                    links.pop(kind, None)
            data["social_links"] = links
        return data


class CoopAvailabilityForm(CoopRulesMixin, HiddenInitialMixin, forms.ModelForm):
    """The few fields members change most, saved on their own from the top of the page."""

    class Meta:
        model = Coop
        fields = AVAILABILITY_FORM_FIELDS
        widgets = {"booked_until": _date_widget()}
        help_texts = {"spare_capacity_days": _("Person-days a month you could take on now.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tidy_choices(self)
        self._show_hidden_initial()


class CoopStandingForm(CoopRulesMixin, HiddenInitialMixin, forms.ModelForm):
    """Where the co-op stands in the network: only coordinators see and change this."""

    class Meta:
        model = Coop
        fields = ["status", "joined_on", "joined_precision", "left_on", "left_precision"]
        widgets = {"joined_on": _date_widget(), "left_on": _date_widget()}
        labels = {
            "joined_precision": _("How precise the joining date is"),
            "left_precision": _("How precise the leaving date is"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tidy_choices(self)
        self._show_hidden_initial()
