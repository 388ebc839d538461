"""Pages of coopnet.hire."""

from django.http import HttpResponse


def brief_new(request):
    return HttpResponse("placeholder")
