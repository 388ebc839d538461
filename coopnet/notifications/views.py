"""Pages of coopnet.notifications."""

from django.http import HttpResponse


def inbox(request):
    return HttpResponse("placeholder")


def settings_page(request):
    return HttpResponse("placeholder")


def unsubscribe(request, token):
    return HttpResponse("placeholder")
