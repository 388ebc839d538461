from django.utils.functional import SimpleLazyObject

from coopnet.network.models import NetworkSettings


def network(request):
    """The network's name and tagline, and the signed-in user's unread count, for every page."""
    context = {"network": NetworkSettings.load()}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        # Lazy: pages that never show the header (feeds, downloads) make no query for it.
        context["unread_notifications"] = SimpleLazyObject(
            lambda: user.notifications.unread().count()
        )
    return context
