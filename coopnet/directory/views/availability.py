"""The one-click "still true" page a co-op reaches from its availability reminder.

No sign-in: the signed link is the authority. GET only shows the availability and a button,
so that mail scanners that open links do not confirm for people; POST confirms.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from coopnet.notifications.reminders import (
    STILL_TRUE_MAX_AGE,
    Problem,
    availability_edit_path,
    availability_still_true_confirm,
    availability_summary,
    still_true_read,
)

STATUS_FOR_PROBLEM = {
    Problem.INVALID: 400,
    Problem.EXPIRED: 410,
    Problem.OUTDATED: 410,
    Problem.NOT_MEMBER: 403,
    Problem.NEEDS_UPDATE: 200,
}


@never_cache
@require_http_methods(["GET", "POST"])
def availability_still_true(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        link = availability_still_true_confirm(token=token)
    else:
        link = still_true_read(token)
    status = STATUS_FOR_PROBLEM.get(link.problem, 200)
    if request.method == "POST" and link.problem == Problem.NEEDS_UPDATE:
        status = 409
    return render(
        request,
        "directory/availability_still_true.html",
        {
            "link": link,
            "token": token,
            "coop": link.coop,
            "summary": availability_summary(link.coop) if link.coop else "",
            "edit_url": availability_edit_path(link.coop) if link.coop else "",
            "max_days": STILL_TRUE_MAX_AGE.days,
        },
        status=status,
    )
