from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.template import loader
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from coopnet.accounts import ratelimit
from coopnet.accounts.models import ApiToken, Invitation, User
from coopnet.accounts.tasks import send_password_reset_email


def _lockout_message() -> str:
    minutes = settings.LOGIN_LOCKOUT_MINUTES
    return ngettext(
        "Too many failed attempts. For your safety, signing in is paused: try again in "
        "%(minutes)d minute, or reset your password.",
        "Too many failed attempts. For your safety, signing in is paused: try again in "
        "%(minutes)d minutes, or reset your password.",
        minutes,
    ) % {"minutes": minutes}


class LoginForm(AuthenticationForm):
    """Django's sign-in form, refusing every attempt once an account or address is locked out."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "That email address or username and password do not match an account. Both are "
            "case-sensitive, apart from the email address."
        ),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Email address or username")
        self.fields["username"].widget.attrs["autocomplete"] = "username"

    @property
    def is_locked_out(self) -> bool:
        return any(error.code == "locked_out" for error in self.errors.as_data().get("__all__", []))

    def clean(self):
        identifier = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not (identifier and password):
            return self.cleaned_data
        ip = ratelimit.client_ip(self.request)
        if ratelimit.login_is_locked(identifier=identifier, ip=ip):
            raise ValidationError(_lockout_message(), code="locked_out")
        try:
            cleaned_data = super().clean()
        except ValidationError:
            ratelimit.login_failure_record(identifier=identifier, ip=ip)
            raise
        ratelimit.login_failures_clear(identifier=identifier)
        return cleaned_data


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, with the mail sent by the background worker.

    The page then takes as long whether or not the address has an account, and a slow mail
    server never holds up the request. At most `settings.PASSWORD_RESET_MAX_PER_HOUR` requests an
    hour are acted on per client address and per email address, so that the form cannot be used
    to flood someone's inbox; past that, requests are dropped and the page says the same as ever,
    so that it reveals nothing about which addresses have accounts.
    """

    def save(self, *args, request=None, **kwargs):
        limits = [
            {
                "scope": f"password-reset-{kind}",
                "subject": subject,
                "limit": settings.PASSWORD_RESET_MAX_PER_HOUR,
                "window_seconds": 3600,
            }
            for kind, subject in (
                ("email", self.cleaned_data["email"]),
                ("ip", ratelimit.client_ip(request)),
            )
            if subject
        ]
        if any(ratelimit.rate_limit_reached(**limit) for limit in limits):
            return
        for limit in limits:
            ratelimit.rate_limit_record(**limit)
        super().save(*args, request=request, **kwargs)

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = " ".join(loader.render_to_string(subject_template_name, context).split())
        body = loader.render_to_string(email_template_name, context)
        send_password_reset_email.enqueue(subject=subject, body=body, to_email=to_email)


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Their email address"),
        help_text=_("They get a link to join; it works once, and only for this address."),
    )
    is_profile_admin = forms.BooleanField(
        label=_("Make them a profile admin"),
        required=False,
        help_text=_("Profile admins manage who belongs to the co-op here, and their roles."),
    )

    def __init__(self, *args, can_invite_profile_admin: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        if not can_invite_profile_admin:
            del self.fields["is_profile_admin"]


class InvitationSignupForm(UserCreationForm):
    """A new account for the person an invitation was sent to, with the invitation's address."""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "display_name")
        labels = {"display_name": _("Your name, as others see it")}
        help_texts = {"display_name": _("Optional. Shown to your colleagues on the team page.")}

    def __init__(self, *args, invitation: Invitation, **kwargs):
        super().__init__(*args, **kwargs)
        # The password validators compare the password with the address, so the instance has it.
        self.instance.email = invitation.email
        self.fields["username"].help_text = _(
            "Letters, digits and . + - _ only. You can sign in with it or with your email address."
        )

    def clean_username(self):
        username = self.cleaned_data.get("username") or ""
        if "@" in username:
            raise ValidationError(_("A username cannot contain “@”: people sign in with either."))
        return super().clean_username()


class RolesForm(forms.Form):
    is_delegate = forms.BooleanField(
        label=_("Delegate"), required=False, help_text=_("Casts the co-op's vote.")
    )
    is_profile_admin = forms.BooleanField(
        label=_("Profile admin"), required=False, help_text=_("Manages the team here.")
    )


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name"]
        labels = {"name": _("Token name")}
        help_texts = {
            "name": _("What it is for, so you recognise it later (say, “laptop script”).")
        }


class AccountDeleteForm(forms.Form):
    """Asks for the password again; wrong guesses count towards the sign-in lockout."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user: User, ip: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.ip = ip

    def clean_password(self):
        password = self.cleaned_data["password"]
        identifier = self.user.get_username()
        if ratelimit.login_is_locked(identifier=identifier, ip=self.ip):
            raise ValidationError(_lockout_message(), code="locked_out")
        if not self.user.check_password(password):
            ratelimit.login_failure_record(identifier=identifier, ip=self.ip)
            raise ValidationError(_("That is not your password."), code="wrong_password")
        return password
