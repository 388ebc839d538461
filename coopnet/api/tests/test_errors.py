"""One JSON error shape everywhere, for every status the API returns."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client, RequestFactory
from ninja.errors import AuthenticationError, Throttled

from coopnet.api.errors import (
    handle_http_error,
    handle_model_validation_error,
    handle_not_found,
    handle_permission_denied,
    handle_unexpected_error,
)
from coopnet.api.tests.helpers import assert_error
from coopnet.api.urls import api


def test_it_answers_400_for_a_bad_query_value(client, db):
    error = assert_error(client.get("/api/v1/coops", {"page": "first"}), 400, "invalid")

    assert list(error["details"]) == ["page"]
    assert all(isinstance(m, str) for m in error["details"]["page"])


def test_it_answers_401_without_a_token(client, db):
    assert_error(client.get("/api/v1/me"), 401, "not_authenticated")


def test_it_answers_404_for_an_unknown_path(client, db):
    assert_error(client.get("/api/v1/no-such-thing"), 404, "not_found")
    assert_error(client.get("/api/v1/coops/some/deeper/path"), 404, "not_found")
    assert_error(client.post("/api/v1/nowhere"), 404, "not_found")


def test_it_answers_in_its_shape_even_to_a_post_without_csrf_token(db, coop):
    client = Client(enforce_csrf_checks=True)

    assert_error(client.post("/api/v1/nowhere"), 404, "not_found")
    assert_error(client.post("/api/v1/coops/hedgerow-digital"), 405, "method_not_allowed")
    assert_error(client.patch("/api/v1/coops/hedgerow-digital"), 401, "not_authenticated")


def test_it_answers_404_at_the_bare_prefix(client, db):
    assert_error(client.get("/api/v1/"), 404, "not_found")


def test_it_answers_405_for_a_wrong_method_with_the_allowed_ones(client, coop):
    response = client.delete("/api/v1/coops/hedgerow-digital")

    error = assert_error(response, 405, "method_not_allowed")
    assert sorted(error["details"]["allowed_methods"]) == ["GET", "PATCH"]
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "PATCH"}
    assert_error(client.post("/api/v1/coops"), 405, "method_not_allowed")


@pytest.fixture
def rf_request():
    return RequestFactory().get("/api/v1/coops")


def _error(response) -> dict:
    return json.loads(response.content)["error"]


def test_it_shapes_a_throttled_request_as_429(rf_request):
    response = handle_http_error(rf_request, Throttled(wait=12.4))

    assert response.status_code == 429
    error = _error(response)
    assert error["code"] == "throttled"
    assert error["details"] == {"retry_after_seconds": 12}


def test_it_shapes_ninja_authentication_errors_as_401(rf_request):
    response = handle_http_error(rf_request, AuthenticationError())

    assert response.status_code == 401
    assert _error(response)["code"] == "not_authenticated"


def test_it_shapes_permission_denied_as_403_with_its_reason(rf_request):
    response = handle_permission_denied(rf_request, PermissionDenied("Not your co-op."))

    assert response.status_code == 403
    assert _error(response) == {
        "code": "permission_denied",
        "message": "Not your co-op.",
        "details": {},
    }


def test_it_shapes_http404_as_404(rf_request):
    response = handle_not_found(rf_request, Http404())

    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"
    assert _error(response)["message"]


def test_it_shapes_a_model_validation_error_with_its_fields(rf_request):
    field_errors = handle_model_validation_error(
        rf_request, ValidationError({"email": ["Enter a valid email address."]})
    )
    plain = handle_model_validation_error(rf_request, ValidationError("Dates overlap."))

    assert field_errors.status_code == 400
    assert _error(field_errors)["details"] == {"email": ["Enter a valid email address."]}
    assert _error(plain)["details"] == {"__all__": ["Dates overlap."]}


def test_it_shapes_an_unexpected_error_as_500_without_a_traceback(rf_request, caplog):
    try:
        raise RuntimeError("database password is hunter2")
    except RuntimeError as exc:
        response = handle_unexpected_error(rf_request, exc)

    assert response.status_code == 500
    error = _error(response)
    assert error["code"] == "server_error"
    assert error["details"] == {}
    assert "hunter2" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    # The traceback is not lost: it goes to the log, where Django's error reports read it.
    assert "hunter2" in caplog.text


def test_it_routes_every_exception_class_to_its_handler():
    # A handler registered for the wrong class would leave ninja's default shape in place.
    assert api._lookup_exception_handler(PermissionDenied()) is handle_permission_denied
    assert api._lookup_exception_handler(Http404()) is handle_not_found
    assert api._lookup_exception_handler(ValidationError("x")) is handle_model_validation_error
    assert api._lookup_exception_handler(Throttled(wait=1)) is handle_http_error
    assert api._lookup_exception_handler(KeyError("x")) is handle_unexpected_error
