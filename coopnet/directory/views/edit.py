"""Editing a co-op's profile."""

from django.http import HttpResponse


def coop_edit(request, slug):
    return HttpResponse("coming soon")
