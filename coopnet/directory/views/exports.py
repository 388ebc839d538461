"""Exports of the directory: JSON, CSV and Murmurations profiles."""

from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse("coming soon")


directory_json = directory_csv = coop_murmurations = _todo
