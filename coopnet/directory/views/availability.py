"""The one-click "still true" page a co-op reaches from its availability reminder."""

from django.http import HttpResponse


def availability_still_true(request, token):
    return HttpResponse("placeholder")
