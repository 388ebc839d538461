"""Exports of the directory: JSON, CSV and Murmurations profiles.

The JSON and CSV exports take the same GET filters as the directory page (`?q=`, `?service=`,
`?country=`...), through the same selector, so a download holds exactly the co-ops listed.
"""

import csv
import re

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from coopnet.directory.exports import CSV_COLUMNS, directory_document, directory_rows
from coopnet.directory.models import Coop
from coopnet.directory.selectors import CoopFilters, coop_list, relaxed_when_nothing_matches

# A spreadsheet runs a cell that starts with one of these as a formula; a plain number or
# telephone number ("+44 1865 403 120") is left alone.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-]?[\d\s().]+$")


def _spreadsheet_safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_START) and not PLAIN_NUMBER.match(value):
        return "'" + value
    return value


@require_safe
def directory_json(request: HttpRequest) -> JsonResponse:
    filters = relaxed_when_nothing_matches(CoopFilters.from_querydict(request.GET))
    return JsonResponse(
        directory_document(coop_list(filters)),
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )


@require_safe
def directory_csv(request: HttpRequest) -> HttpResponse:
    filters = relaxed_when_nothing_matches(CoopFilters.from_querydict(request.GET))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="coops.csv"'
    writer = csv.DictWriter(response, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for row in directory_rows(coop_list(filters)):
        writer.writerow({column: _spreadsheet_safe(value) for column, value in row.items()})
    return response


@require_safe
def coop_murmurations(request: HttpRequest, slug: str) -> JsonResponse:
    from coopnet.directory.federation import coop_murmurations_profile

    coop = get_object_or_404(Coop, slug=slug)
    if not coop.is_visible_to(request.user):  # applicants are not public yet
        raise Http404
    return JsonResponse(coop_murmurations_profile(coop), json_dumps_params={"ensure_ascii": False})
