"""The private Atom feed of referrals open for a person's co-ops.

The address carries a secret token (made and revoked on the notifications settings page), so a
feed reader needs no sign-in. A feed reader may keep or share what it fetched: entries hold
the work only, never the client's contact details nor any money.
"""

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _

from coopnet.accounts.models import User
from coopnet.network.models import NetworkSettings
from coopnet.notifications.services import can_have_feed, feed_token_user
from coopnet.referrals.models import Referral
from coopnet.referrals.selectors import referrals_open_for

FEED_LENGTH = 50


class OpenReferralsFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().__call__(request, *args, **kwargs)
        # A personal list: no shared cache may keep it, no search engine may list it.
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex"
        return response

    def get_object(self, request: HttpRequest, token: str) -> User:
        user = feed_token_user(token)
        if user is None or not can_have_feed(user):
            raise Http404(_("This feed address is not valid: it is wrong or was revoked."))
        return user

    def title(self, user: User) -> str:
        return _("%(network)s: referrals open for your co-op") % {
            "network": NetworkSettings.load().name
        }

    def subtitle(self, user: User) -> str:
        return _("Work other co-ops passed on that your co-op can claim now.")

    def link(self, user: User) -> str:
        return reverse("referrals:list")

    def items(self, user: User) -> list[Referral]:
        return list(referrals_open_for(user).order_by("-created_at", "-id")[:FEED_LENGTH])

    def item_title(self, item: Referral) -> str:
        return item.title

    def item_description(self, item: Referral) -> str:
        lines = [_("From %(coop)s.") % {"coop": item.from_coop.name}]
        services = ", ".join(s.name for s in item.services.all())
        if services:
            lines.append(_("Services: %(services)s.") % {"services": services})
        if item.deadline:
            lines.append(_("Answer needed by %(day)s.") % {"day": item.deadline.isoformat()})
        if item.description:
            lines.append(item.description)
        # Atom marks the summary as HTML: escape what the sender typed so it stays text.
        return "".join(linebreaks(escape(line)) for line in lines)

    def item_link(self, item: Referral) -> str:
        return reverse("referrals:detail", args=[item.pk])

    def item_pubdate(self, item: Referral):
        return item.created_at

    def item_updateddate(self, item: Referral):
        return item.updated_at

    def item_author_name(self, item: Referral) -> str:
        return item.from_coop.name
