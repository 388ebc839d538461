"""The JSON API, mounted at /api/v1/ by `coopnet.urls`; the guide is docs/api.md.

Interactive documentation at /api/v1/docs, the OpenAPI schema at /api/v1/openapi.json.
"""

from functools import wraps

from django.http import Http404
from django.urls import re_path
from ninja import NinjaAPI, Swagger

from coopnet.api.errors import method_not_allowed, register_error_handlers, unknown_path
from coopnet.api.routers import ROUTERS


def _in_error_shape(view):
    # Outside its operations, ninja answers a wrong method with a plain-text 405, and its
    # root view (/api/v1/) raises Http404 that Django would render as an HTML page.
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return unknown_path(request)
        if response.status_code == 405:
            return method_not_allowed(response)
        return response

    return wrapped


class CoopnetAPI(NinjaAPI):
    @property
    def urls(self):
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            pattern.callback = _in_error_shape(pattern.callback)
        # Last: any other path under the prefix is a 404 in the API's error shape.
        patterns.append(re_path(r"^.*$", unknown_path, name="unknown-path"))
        return patterns, app_name, namespace


api = CoopnetAPI(
    title="Coopnet API",
    version="1",
    urls_namespace="api",
    # Swagger UI would otherwise send the schema's address to validator.swagger.io.
    docs=Swagger(settings={"validatorUrl": None}),
    description=(
        "The directory of the network's worker-owned co-operatives. Reads are public; "
        "writes need a personal token sent as `Authorization: Bearer <token>`. "
        "Every error has the shape "
        '`{"error": {"code": "...", "message": "...", "details": {...}}}`.'
    ),
)
register_error_handlers(api)
for prefix, router in ROUTERS:
    api.add_router(prefix, router)
