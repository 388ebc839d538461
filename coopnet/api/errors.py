"""One JSON error shape for the whole API.

Every error the API returns, whatever raised it, has the body

    {"error": {"code": "<machine_code>", "message": "<human sentence>", "details": {...}}}

`code` is stable and meant for programs; `message` is for people and may change or be
translated; `details` maps a field path to its messages for validation errors, and is empty
(`{}`) otherwise unless said so below. The handlers are registered on the NinjaAPI by
`register_error_handlers`; `coopnet.api.urls` also gives 404 (unknown path) and 405 (wrong
method) responses, which Django ninja produces outside its handlers, the same shape.
"""

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.log import log_response
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

# The machine code of an error, by HTTP status, when nothing more precise is known. The more
# precise codes are "invalid" (400, see details), "invalid_json" (400) and "invalid_token" (401).
CODE_BY_STATUS = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    429: "throttled",
    500: "server_error",
}


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": str(message), "details": details or {}}}


def error_response(
    *, status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> JsonResponse:
    return JsonResponse(error_body(code, message, details), status=status)


def _field_path(loc: tuple | list) -> str:
    """A ninja error location as the path of the field in what the client sent.

    ninja locates a body field as ("body", <parameter name>, field, ...) and a query field as
    ("query", field); the client knows neither the source nor our parameter name.
    """
    parts = [str(p) for p in loc]
    if parts and parts[0] == "body":
        parts = parts[2:]
    elif parts and parts[0] in {"query", "path", "header", "cookie", "form"}:
        parts = parts[1:]
    return ".".join(parts) or NON_FIELD_ERRORS


def handle_request_validation_error(
    request: HttpRequest, exc: NinjaValidationError
) -> HttpResponse:
    """Query, path or body values that do not fit the schema."""
    details: dict[str, list[str]] = {}
    for error in exc.errors:
        loc = error.get("loc", ())
        message = error.get("msg") or _("This value is not valid.")
        details.setdefault(_field_path(loc), []).append(message)
    return error_response(
        status=400,
        code="invalid",
        message=_("The request is not valid: see details for each field."),
        details=details,
    )


def handle_model_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    """A service or a model refused the values (`full_clean`, an unknown slug...)."""
    if hasattr(exc, "error_dict"):
        details = {
            field: [str(m) for m in messages] for field, messages in exc.message_dict.items()
        }
    else:
        details = {NON_FIELD_ERRORS: [str(m) for m in exc.messages]}
    return error_response(
        status=400,
        code="invalid",
        message=_("The request is not valid: see details for each field."),
        details=details,
    )


def handle_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """ninja's own errors: 401 from authentication, 429 from throttling, 400 for bad JSON."""
    status = exc.status_code
    code = getattr(exc, "code", None) or CODE_BY_STATUS.get(status, "error")
    details: dict[str, Any] = {}
    message = exc.message
    if isinstance(exc, Throttled):
        message = _("Too many requests: wait a little and try again.")
        if exc.wait is not None:
            details["retry_after_seconds"] = round(exc.wait)
    elif isinstance(exc, AuthenticationError) and message == "Unauthorized":
        # ninja's default message when no credentials were sent at all.
        message = _("Authentication required: send the header 'Authorization: Bearer <token>'.")
    elif status == 400 and message.startswith("Cannot parse request body"):
        message = _("The request body is not valid JSON.")
        code = "invalid_json"
    return error_response(status=status, code=code, message=message, details=details)


def handle_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(
        status=403,
        code="permission_denied",
        message=str(exc) or _("You do not have permission to do this."),
    )


def handle_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(
        status=404, code="not_found", message=str(exc) or _("Nothing was found here.")
    )


def handle_unexpected_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bug. The traceback goes to Django's error reporting, never to the client."""
    response = error_response(
        status=500,
        code="server_error",
        message=_("Something went wrong on our side. It has been logged; please try again later."),
    )
    log_response(
        "Internal Server Error: %s", request.path, response=response, request=request, exception=exc
    )
    return response


def register_error_handlers(api: NinjaAPI) -> None:
    # ninja looks handlers up along the exception's MRO, so the most precise one wins.
    api.add_exception_handler(NinjaValidationError, handle_request_validation_error)
    api.add_exception_handler(DjangoValidationError, handle_model_validation_error)
    api.add_exception_handler(HttpError, handle_http_error)
    api.add_exception_handler(AuthenticationError, handle_http_error)
    api.add_exception_handler(PermissionDenied, handle_permission_denied)
    api.add_exception_handler(Http404, handle_not_found)
    api.add_exception_handler(Exception, handle_unexpected_error)


# A POST to a mistyped address must get this answer, not Django's HTML page about CSRF; the
# view changes nothing, so there is nothing to forge.
@csrf_exempt
def unknown_path(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Every path under the API prefix that no endpoint claims."""
    return error_response(
        status=404,
        code="not_found",
        message=_("There is no API endpoint at this address: see /api/v1/docs."),
    )


def method_not_allowed(response: HttpResponse) -> HttpResponse:
    """ninja's plain-text 405, in the API's shape, keeping the Allow header."""
    allowed = response.get("Allow", "")
    shaped = error_response(
        status=405,
        code="method_not_allowed",
        message=_("This endpoint does not accept that HTTP method."),
        details={"allowed_methods": [m.strip() for m in allowed.split(",") if m.strip()]},
    )
    shaped["Allow"] = allowed
    return shaped
