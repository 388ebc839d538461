"""Public pages of the directory (read only)."""

from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse("coming soon")


home = coop_list = coop_detail = service_index = service_detail = _todo
technology_index = technology_detail = privacy = _todo
