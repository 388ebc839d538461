"""Coordinators manage the directory here. Every change made in the admin is audited."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from coopnet.accounts.admin import membership_formset_save
from coopnet.accounts.models import Membership
from coopnet.audit.admin import AuditedModelAdmin, ReadOnlyCoordinatorAdmin
from coopnet.directory.forms import CoopRulesMixin, country_choices, currency_choices
from coopnet.directory.models import (
    CaseStudy,
    Client,
    Coop,
    CoopSource,
    Sector,
    Service,
    ServiceGroup,
    Technology,
)
from coopnet.directory.services import AVAILABILITY_FIELDS
from coopnet.directory.validators import check_logo

COOP_FIELDSETS: list[tuple[Any, dict[str, Any]]] = [
    (None, {"fields": ["name", "slug", "status", "description"]}),
    (
        _("Contact"),
        {"fields": ["website", "email", "phone", "social_links", "logo", "logo_url"]},
    ),
    (
        _("Legal and dates"),
        {
            "fields": [
                "legal_form",
                "registration_number",
                "registrar",
                ("founded_on", "founded_precision"),
                ("joined_on", "joined_precision"),
                ("left_on", "left_precision"),
            ]
        },
    ),
    (
        _("People"),
        {"fields": ["worker_owners", "workers", "members_main_employment", "sector"]},
    ),
    (
        _("Place"),
        {
            "fields": [
                "address",
                "locality",
                "region",
                "postcode",
                "country",
                "other_countries",
                ("latitude", "longitude"),
                "languages",
            ]
        },
    ),
    (
        _("Rates and availability"),
        {
            "fields": [
                ("day_rate_min", "day_rate_max", "day_rate_currency"),
                ("availability", "booked_until", "spare_capacity_days"),
                "availability_updated_at",
            ]
        },
    ),
    (
        _("Services, technologies and clients"),
        {"fields": ["services", "technologies", "clients"]},
    ),
    (
        _("Kept by the platform"),
        {
            "classes": ["collapse"],
            "fields": ["search_tags", "self_edited_fields", "created_at", "updated_at"],
        },
    ),
]
COOP_READONLY_FIELDS = [
    "search_tags",
    "self_edited_fields",
    "availability_updated_at",
    "created_at",
    "updated_at",
]


def _flat(fieldsets) -> list[str]:
    names: list[str] = []
    for _legend, options in fieldsets:
        for item in options["fields"]:
            names.extend(item if isinstance(item, tuple) else [item])
    return names


def _https_urls(db_field, **kwargs):
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class CoopAdminForm(CoopRulesMixin, forms.ModelForm):
    class Meta:
        model = Coop
        formfield_callback = _https_urls
        fields = [name for name in _flat(COOP_FIELDSETS) if name not in COOP_READONLY_FIELDS]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, choices in (
            ("country", country_choices()),
            ("day_rate_currency", currency_choices()),
        ):
            current = getattr(self.instance, name, "")
            if current and current not in {value for value, _label in choices}:
                choices = [*choices, (current, current)]
            field = self.fields[name]
            self.fields[name] = forms.ChoiceField(
                label=field.label, required=False, choices=choices, help_text=field.help_text
            )

    def clean_logo(self) -> Any:
        logo = self.cleaned_data.get("logo")
        if isinstance(logo, UploadedFile):
            # The same checks as on the profile page; the name follows the real format.
            logo.name = f"{self.instance.slug or 'logo'}.{check_logo(logo)}"
        return logo


class CoopSourceInline(admin.TabularInline):
    """Where the co-op's data came from. Read only: imports write these."""

    model = CoopSource
    extra = 0
    can_delete = False
    fields = ["source", "source_id", "url", "last_imported_at", "split_link"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return bool(getattr(request.user, "is_coordinator", False)) or super().has_view_permission(
            request, obj
        )

    @admin.display(description=_("wrongly merged?"))
    def split_link(self, source: CoopSource) -> str:
        # The changelist filters on ?id= by itself; the action is offered there.
        url = reverse("admin:directory_coopsource_changelist") + f"?id={source.pk}"
        return format_html('<a href="{}">{}</a>', url, _("split it out"))


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]
    fields = ["user", "is_delegate", "is_profile_admin", "created_at"]
    readonly_fields = ["created_at"]

    def _coordinator(self, request) -> bool:
        return bool(getattr(request.user, "is_coordinator", False))

    def has_view_permission(self, request, obj=None) -> bool:
        return self._coordinator(request) or super().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return self._coordinator(request) or super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._coordinator(request) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._coordinator(request) or super().has_delete_permission(request, obj)


@admin.register(Coop)
class CoopAdmin(AuditedModelAdmin):
    form = CoopAdminForm
    list_display = ["name", "status", "country", "availability", "updated_at"]
    list_filter = ["status", "country", "availability", "sector"]
    search_fields = ["name", "website", "registration_number"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["services", "technologies", "clients"]
    readonly_fields = COOP_READONLY_FIELDS
    inlines = [MembershipInline, CoopSourceInline]
    fieldsets = COOP_FIELDSETS

    def audit_action(self, verb: str) -> str:
        return f"coop.admin_{verb}"

    def save_model(self, request, obj, form, change) -> None:
        if form.changed_data:
            now = timezone.now()
            obj.updated_at = now
            if AVAILABILITY_FIELDS & set(form.changed_data):
                obj.availability_updated_at = now
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        # Through the membership services, as in the people admin (coopnet.accounts.admin).
        membership_formset_save(request, formset)


@admin.register(CoopSource)
class CoopSourceAdmin(ReadOnlyCoordinatorAdmin):
    """Imported records, read only, with the way out of a wrong merge."""

    list_display = ["__str__", "coop", "url", "last_imported_at"]
    list_filter = ["source"]
    search_fields = ["source_id", "url", "coop__name", "coop__slug"]
    list_select_related = ["coop"]
    readonly_fields = [
        "coop",
        "source",
        "source_id",
        "url",
        "data",
        "first_imported_at",
        "last_imported_at",
    ]
    actions = ["split_into_own_coop"]

    def has_split_permission(self, request) -> bool:
        return bool(getattr(request.user, "is_coordinator", False))

    @admin.action(
        description=_("Split the selected sources out into co-ops of their own (a wrong merge)"),
        permissions=["split"],
    )
    def split_into_own_coop(self, request, queryset) -> None:
        # Imported here: the importers import a lot, and the admin must load without them.
        from coopnet.directory.importers.merge import coop_split_source

        for source in queryset.select_related("coop"):
            try:
                new_coop = coop_split_source(actor=request.user, source=source)
            except (ValidationError, PermissionDenied) as error:
                reason = " ".join(getattr(error, "messages", [str(error)]))
                self.message_user(
                    request,
                    _("%(source)s was not split: %(reason)s")
                    % {"source": source, "reason": reason},
                    messages.ERROR,
                )
            else:
                self.message_user(
                    request,
                    _("%(source)s is now a co-op of its own: %(coop)s.")
                    % {"source": source, "coop": new_coop.name},
                    messages.SUCCESS,
                )


@admin.register(ServiceGroup)
class ServiceGroupAdmin(AuditedModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Service)
class ServiceAdmin(AuditedModelAdmin):
    list_display = ["name", "slug", "group"]
    list_filter = ["group"]
    list_select_related = ["group"]
    search_fields = ["name", "slug", "synonyms"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "group", "synonyms", "description"]


@admin.register(Technology)
class TechnologyAdmin(AuditedModelAdmin):
    list_display = ["name", "slug", "website"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Sector)
class SectorAdmin(AuditedModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Client)
class ClientAdmin(AuditedModelAdmin):
    """A coordinator's choice of sector is final: imports never infer over it again."""

    list_display = ["name", "sector", "sector_source", "website"]
    list_filter = ["sector", "sector_source"]
    list_editable = ["sector"]
    list_select_related = ["sector"]
    search_fields = ["name", "slug", "website"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["sector_source"]
    fields = ["name", "slug", "website", "sector", "sector_source", "description"]

    def save_model(self, request, obj, form, change) -> None:
        if "sector" in form.changed_data:
            obj.sector_source = Client.SectorSource.COORDINATOR
        super().save_model(request, obj, form, change)

    def audited_fields(self, form) -> list[str]:
        names = super().audited_fields(form)
        return [*names, "sector_source"] if "sector" in names else names


@admin.register(CaseStudy)
class CaseStudyAdmin(AuditedModelAdmin):
    list_display = ["title", "client_name", "year"]
    list_filter = ["year"]
    search_fields = ["title", "client_name", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["coops"]
    autocomplete_fields = ["client"]
