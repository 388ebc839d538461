from django.contrib.auth.backends import ModelBackend

from coopnet.accounts.models import User


class EmailOrUsernameBackend(ModelBackend):
    """People sign in with their email address or their username."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username and "@" in username:
            user = User.objects.filter(email__iexact=username).first()
            if user is not None:
                username = user.get_username()
        return super().authenticate(request, username=username, password=password, **kwargs)
