"""Accounts pages: sign in, the dashboard, co-op teams and invitations, API tokens, your data.

Views fetch what the person may see, hand writes to `coopnet.accounts.services` and render or
redirect; the rules themselves live in the services.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from coopnet.accounts import forms, ratelimit, services
from coopnet.accounts.models import ApiToken, Invitation, Membership, User
from coopnet.directory.models import Coop
from coopnet.hire import services as hire_services
from coopnet.lib.forms import add_service_errors, posted
from coopnet.network.models import NetworkSettings
from coopnet.notifications import services as notifications_services
from coopnet.referrals import services as referrals_services

# How many co-ops the coordinators' "invite to a co-op" search lists at most.
INVITE_FIND_LIMIT = 25


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = forms.LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.is_locked_out:
            response.status_code = 429
        return response


class PasswordResetView(auth_views.PasswordResetView):
    # Django's own "registration/..." template names are taken by the admin app, which comes
    # first in INSTALLED_APPS: ours have names of their own so that both sets keep working.
    template_name = "registration/reset_password_form.html"
    form_class = forms.QueuedPasswordResetForm
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    @property
    def extra_email_context(self):
        # Links in mail start with SITE_URL, never with the Host header a client sent.
        return {"site_url": settings.SITE_URL, "network_name": NetworkSettings.load().name}


def _render_dashboard(
    request: HttpRequest, *, token_form: forms.ApiTokenForm | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/dashboard.html",
        {
            "memberships": user.memberships.select_related("coop").order_by("coop__name"),
            "tokens": user.api_tokens.filter(revoked_at__isnull=True),
            "token_form": token_form or forms.ApiTokenForm(),
        },
        status=status,
    )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return _render_dashboard(request)


# Teams and invitations


def _coop_for_team(request: HttpRequest, slug: str) -> Coop:
    coop = get_object_or_404(Coop, slug=slug)
    if not services.can_view_team(request.user, coop):
        raise PermissionDenied(_("Only the co-op's worker-owners and coordinators see its team."))
    return coop


def _render_team(
    request: HttpRequest,
    coop: Coop,
    *,
    invite_form: forms.InviteForm | None = None,
    roles_forms: dict[int, forms.RolesForm] | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    can_manage = services.can_manage_team(request.user, coop)
    roles_forms = roles_forms or {}
    team = list(coop.memberships.select_related("user").order_by("user__username"))
    rows = [
        {
            "membership": membership,
            "roles_form": roles_forms.get(membership.pk)
            or forms.RolesForm(
                prefix=f"m{membership.pk}",
                initial={
                    "is_delegate": membership.is_delegate,
                    "is_profile_admin": membership.is_profile_admin,
                },
            ),
        }
        for membership in team
    ]
    return render(
        request,
        "accounts/team.html",
        {
            "coop": coop,
            "rows": rows,
            "has_delegate": any(m.is_delegate for m in team),
            "can_manage": can_manage,
            "invitations": coop.invitations.pending().select_related("invited_by"),
            "invite_form": invite_form or forms.InviteForm(can_invite_profile_admin=can_manage),
            "errors": errors or [],
        },
        status=status,
    )


@login_required
def team(request: HttpRequest, slug: str) -> HttpResponse:
    return _render_team(request, _coop_for_team(request, slug))


@login_required
def invite_find(request: HttpRequest) -> HttpResponse:
    """Coordinators find the co-op whose first worker-owner they invite."""
    if not request.user.is_coordinator:
        raise PermissionDenied(_("Only coordinators invite people to any co-op."))
    query = request.GET.get("q", "").strip()
    coops = []
    if query:
        coops = list(
            Coop.objects.filter(name__icontains=query)
            .order_by("name")
            .prefetch_related("memberships")[:INVITE_FIND_LIMIT]
        )
    return render(
        request,
        "accounts/invite_find.html",
        {"query": query, "coops": coops, "limit": INVITE_FIND_LIMIT},
    )


@login_required
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    coop = get_object_or_404(Coop, slug=slug)
    if not services.can_invite(request.user, coop):
        raise PermissionDenied(_("You can invite people only to your own co-op."))
    can_manage = services.can_manage_team(request.user, coop)
    form = forms.InviteForm(posted(request), can_invite_profile_admin=can_manage)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _raw = services.invitation_create(
                actor=request.user,
                coop=coop,
                email=form.cleaned_data["email"],
                is_profile_admin=form.cleaned_data.get("is_profile_admin", False),
            )
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s. The link works until %(date)s.")
                % {
                    "email": invitation.email,
                    "date": date_format(timezone.localtime(invitation.expires_at), "j F Y"),
                },
            )
            return redirect("accounts:team", slug=coop.slug)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "accounts/invite.html",
        {"coop": coop, "form": form, "has_members": coop.memberships.exists()},
        status=status,
    )


@login_required
@require_POST
def membership_roles(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    coop = _coop_for_team(request, slug)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=membership_id, coop=coop
    )
    if not services.can_manage_team(request.user, coop):
        raise PermissionDenied(_("Only a profile admin or a coordinator can change roles."))
    form = forms.RolesForm(request.POST, prefix=f"m{membership.pk}")
    if form.is_valid():
        try:
            services.membership_set_roles(
                actor=request.user,
                membership=membership,
                is_delegate=form.cleaned_data["is_delegate"],
                is_profile_admin=form.cleaned_data["is_profile_admin"],
            )
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, _("Roles of %(user)s saved.") % {"user": membership.user})
            return redirect("accounts:team", slug=coop.slug)
    return _render_team(request, coop, roles_forms={membership.pk: form}, status=400)


@login_required
@require_POST
def membership_remove(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    coop = _coop_for_team(request, slug)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=membership_id, coop=coop
    )
    leaving = membership.user_id == request.user.pk
    try:
        services.membership_remove(actor=request.user, membership=membership)
    except ValidationError as exc:
        return _render_team(request, coop, errors=exc.messages, status=400)
    if leaving:
        messages.success(request, _("You left %(coop)s.") % {"coop": coop})
        return redirect("accounts:dashboard")
    messages.success(
        request,
        _("%(user)s no longer belongs to %(coop)s.") % {"user": membership.user, "coop": coop},
    )
    return redirect("accounts:team", slug=coop.slug)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, slug: str, invitation_id: int) -> HttpResponse:
    coop = _coop_for_team(request, slug)
    invitation = get_object_or_404(Invitation, pk=invitation_id, coop=coop)
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation)
    except ValidationError as exc:
        return _render_team(request, coop, errors=exc.messages, status=400)
    messages.success(
        request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email}
    )
    return redirect("accounts:team", slug=coop.slug)


@never_cache
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Anyone with the link: a new person makes an account, a signed-in person joins."""
    invitation = services.invitation_get(token)
    if invitation is None:
        return render(
            request,
            "accounts/invitation_unusable.html",
            {"reason": _("This invitation link is not valid. Check that it was copied whole.")},
            status=404,
        )
    reason = services.invitation_unusable_reason(invitation)
    if reason:
        return render(
            request,
            "accounts/invitation_unusable.html",
            {"reason": reason, "invitation": invitation},
            status=410,
        )
    context = {"invitation": invitation, "coop": invitation.coop}

    if request.user.is_authenticated:
        if request.user.email.lower() != invitation.email.lower():
            return render(
                request,
                "accounts/invitation_accept.html",
                {**context, "wrong_account": True},
                status=403,
            )
        if request.method == "POST":
            try:
                services.invitation_accept(invitation=invitation, user=request.user)
            except ValidationError as exc:
                return render(
                    request,
                    "accounts/invitation_unusable.html",
                    {"reason": " ".join(exc.messages), "invitation": invitation},
                    status=410,
                )
            messages.success(request, _("Welcome to %(coop)s.") % {"coop": invitation.coop})
            return redirect("accounts:team", slug=invitation.coop.slug)
        return render(request, "accounts/invitation_accept.html", context)

    if User.objects.filter(email__iexact=invitation.email).exists():
        return render(request, "accounts/invitation_accept.html", {**context, "has_account": True})
    form = forms.InvitationSignupForm(posted(request), invitation=invitation)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.invitation_accept_new_user(
                invitation=invitation,
                username=form.cleaned_data["username"],
                display_name=form.cleaned_data["display_name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            login(request, membership.user, backend=settings.AUTHENTICATION_BACKENDS[0])
            messages.success(request, _("Welcome to %(coop)s.") % {"coop": invitation.coop})
            return redirect("accounts:team", slug=invitation.coop.slug)
    return render(
        request,
        "accounts/invitation_accept.html",
        {**context, "form": form},
        status=400 if form.is_bound else 200,
    )


# API tokens


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = forms.ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            token, raw = services.api_token_create(
                user=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            # Rendered, not redirected: the raw token is shown this once and kept nowhere.
            response = render(request, "accounts/token_created.html", {"token": token, "raw": raw})
            response["Cache-Control"] = "no-store"
            return response
    return _render_dashboard(request, token_form=form, status=400)


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    # Someone else's token is "not found", like a missing one, so that ids cannot be probed;
    # coordinators revoke anyone's (a token may leak).
    tokens = ApiToken.objects.all()
    if not request.user.is_coordinator:
        tokens = tokens.filter(user=request.user)
    token = get_object_or_404(tokens, pk=token_id)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("accounts:dashboard")


# The account itself


@login_required
def data_download(request: HttpRequest) -> HttpResponse:
    """Everything kept about the person, in one JSON file. Each app exports its own part;
    the accounts app knows nothing of the apps built on it, so they are put together here."""
    data = {
        **services.account_export_data(user=request.user),
        **notifications_services.notifications_export_data(user=request.user),
        **hire_services.hire_export_data(user=request.user),
        **referrals_services.referrals_export_data(user=request.user),
    }
    response = JsonResponse(data, encoder=DjangoJSONEncoder, json_dumps_params={"indent": 2})
    filename = f"coopnet-account-{request.user.pk}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def account_delete(request: HttpRequest) -> HttpResponse:
    user = request.user
    blocking = services.coops_needing_user_as_admin(user)
    form = forms.AccountDeleteForm(posted(request), user=user, ip=ratelimit.client_ip(request))
    if request.method == "POST" and not blocking and form.is_valid():
        try:
            services.account_delete(user=user)
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            logout(request)
            messages.success(request, _("Your account was deleted. Thank you for being here."))
            return redirect("home")
    status = 200
    if request.method == "POST":
        status = 409 if blocking else 400
    return render(
        request, "accounts/account_delete.html", {"form": form, "blocking": blocking}, status=status
    )
