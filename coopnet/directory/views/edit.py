"""Editing a co-op's profile: worker-owners edit their own, coordinators edit any."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from coopnet.directory.forms import CoopAvailabilityForm, CoopProfileForm, CoopStandingForm
from coopnet.directory.models import Coop
from coopnet.directory.services import coop_update
from coopnet.lib.forms import add_service_errors, posted
from coopnet.lib.markdown import render_markdown

AVAILABILITY_PREFIX = "avail"


def _forbidden(request: HttpRequest, coop: Coop) -> HttpResponse:
    return render(request, "directory/coop_edit_forbidden.html", {"coop": coop}, status=403)


def _availability_form(coop: Coop, data=None) -> CoopAvailabilityForm:
    # The forms get their own copy: a ModelForm writes the typed values onto its instance while
    # validating, and `coop_update` must see the co-op as it is stored to record old values.
    return CoopAvailabilityForm(data, instance=copy.copy(coop), prefix=AVAILABILITY_PREFIX)


@login_required
def coop_edit(request: HttpRequest, slug: str) -> HttpResponse:
    coop = get_object_or_404(Coop, slug=slug)
    if not request.user.can_edit_coop(coop):
        return _forbidden(request, coop)
    if request.method == "POST" and request.POST.get("section") == "availability":
        return _update_availability(request, coop)
    previewing = request.method == "POST" and request.POST.get("preview") == "description"
    if previewing and request.headers.get("HX-Request") == "true":
        return render(
            request,
            "directory/_description_preview.html",
            {"preview": render_markdown(request.POST.get("description", ""))},
        )

    is_coordinator = request.user.is_coordinator
    data = posted(request)
    files = request.FILES if request.method == "POST" else None
    form = CoopProfileForm(data, files, instance=copy.copy(coop))
    # A worker-owner never gets this form, so status and dates they post are ignored.
    standing_form = CoopStandingForm(data, instance=copy.copy(coop)) if is_coordinator else None
    all_forms = [f for f in (form, standing_form) if f is not None]

    if request.method == "POST" and not previewing:
        # Every form validates, so that all their errors show at once.
        valid = [f.is_valid() for f in all_forms]
        if all(valid):
            changes = form.changed_profile_data()
            if standing_form is not None:
                changes |= standing_form.changed_model_data()
            try:
                coop_update(actor=request.user, coop=coop, data=changes)
            except ValidationError as error:
                coop.refresh_from_db()
                add_service_errors(error, *all_forms)
            else:
                if changes:
                    messages.success(request, _("Your changes to the profile are saved."))
                else:
                    messages.info(request, _("Nothing was changed."))
                return redirect(coop)

    return render(
        request,
        "directory/coop_edit.html",
        {
            "coop": coop,
            "form": form,
            "standing_form": standing_form,
            "availability_form": _availability_form(coop),
            "dropped_logo": request.FILES.get("logo") if form.is_bound else None,
            # Without JavaScript the preview comes back with the whole page, nothing saved.
            "previewing": previewing,
            "preview": render_markdown(request.POST.get("description", "")) if previewing else None,
        },
    )


def _update_availability(request: HttpRequest, coop: Coop) -> HttpResponse:
    """The small form at the top. With htmx only its fragment is swapped; without, a redirect."""
    is_htmx = request.headers.get("HX-Request") == "true"
    form = _availability_form(coop, request.POST)
    saved = False
    if form.is_valid():
        try:
            coop_update(actor=request.user, coop=coop, data=form.changed_model_data())
        except ValidationError as error:
            coop.refresh_from_db()
            add_service_errors(error, form)
        else:
            if not is_htmx:
                messages.success(request, _("Your availability is updated."))
                return redirect(coop)
            saved, form = True, _availability_form(coop)

    if is_htmx:
        return render(
            request,
            "directory/_availability_update.html",
            {
                "coop": coop,
                "availability_form": form,
                "availability_saved": saved,
            },
        )
    profile_form = CoopProfileForm(instance=copy.copy(coop))
    standing_form = (
        CoopStandingForm(instance=copy.copy(coop)) if request.user.is_coordinator else None
    )
    return render(
        request,
        "directory/coop_edit.html",
        {
            "coop": coop,
            "form": profile_form,
            "standing_form": standing_form,
            "availability_form": form,
            "dropped_logo": None,
        },
    )
