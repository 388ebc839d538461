"""Pages of coopnet.notifications: the inbox, the delivery choice and private feed, unsubscribe."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from coopnet.lib.pagination import page_of
from coopnet.notifications import services
from coopnet.notifications.forms import DeliveryForm
from coopnet.notifications.models import Delivery

INBOX_PAGE_SIZE = 20


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """Newest first. Looking does not mark anything read: the person says so (POST)."""
    page = page_of(
        Paginator(request.user.notifications.all(), INBOX_PAGE_SIZE), request.GET.get("page")
    )
    return render(
        request,
        "notifications/inbox.html",
        # Under the header's name, so the badge and the page share one count.
        {"page": page, "unread_notifications": request.user.notifications.unread().count()},
    )


def _page_number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and int(value) > 1 else None


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    """Mark one of the person's notifications read, or all of them."""
    if request.POST.get("all"):
        ids = None
    else:
        ids = [int(v) for v in request.POST.getlist("notification") if v.isdigit()]
    count = services.notifications_mark_read(user=request.user, ids=ids)
    if ids is None:
        messages.success(request, _("Everything in your inbox is marked read."))
    elif count:
        messages.success(request, _("Marked read."))
    url = reverse("notifications:inbox")
    page = _page_number(request.POST.get("page"))
    return redirect(f"{url}?page={page}" if page else url)


def _render_settings(
    request: HttpRequest,
    *,
    form: DeliveryForm | None = None,
    new_feed_url: str = "",
    status: int = 200,
) -> HttpResponse:
    user = request.user
    form = form or DeliveryForm(initial={"delivery": services.delivery_for(user)})
    return render(
        request,
        "notifications/settings.html",
        {
            "form": form,
            "can_have_feed": services.can_have_feed(user),
            "feed_token": services.feed_token_active(user),
            "new_feed_url": new_feed_url,
        },
        status=status,
    )


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _render_settings(request)
    form = DeliveryForm(request.POST)
    if not form.is_valid():
        return _render_settings(request, form=form, status=400)
    services.notification_settings_set(user=request.user, delivery=form.cleaned_data["delivery"])
    messages.success(request, _("Your choice is saved."))
    return redirect("notifications:settings")


@never_cache
@login_required
@require_POST
def feed_create(request: HttpRequest) -> HttpResponse:
    """A new private feed address, shown this once (only a fingerprint is kept)."""
    raw = services.feed_token_create(user=request.user)
    return _render_settings(request, new_feed_url=settings.SITE_URL + services.feed_path(raw))


@login_required
@require_POST
def feed_revoke(request: HttpRequest) -> HttpResponse:
    if services.feed_token_revoke(user=request.user):
        messages.success(request, _("Your private feed address no longer works."))
    return redirect(reverse("notifications:settings") + "#feed")


# A mail client's one-click unsubscribe (RFC 8058) POSTs without a CSRF token or a session:
# the signed token in the address is the authority, and it can only turn mail off.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        user = services.notifications_unsubscribe(token=token)
        state = "done"
    else:
        user = services.user_for_unsubscribe_token(token)
        state = "ask"
    if user is None:
        return render(request, "notifications/unsubscribe.html", {"state": "invalid"}, status=400)
    return render(
        request,
        "notifications/unsubscribe.html",
        {
            "state": state,
            "token": token,
            "already_off": state == "ask" and services.delivery_for(user) == Delivery.NONE,
        },
    )
