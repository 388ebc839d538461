"""Tokens for the shared named users, a client that speaks JSON, and the error-shape check."""

import json

from coopnet.accounts.services import api_token_create


def make_token(user, name: str = "test") -> str:
    _token, raw = api_token_create(user=user, name=name)
    return raw


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


class ApiClient:
    """Django's test client with JSON bodies and an optional bearer token."""

    def __init__(self, client, token: str | None = None):
        self.client = client
        self.headers = bearer(token) if token else {}

    def get(self, path: str, data=None):
        return self.client.get(path, data, headers=self.headers)

    def patch(self, path: str, body):
        payload = body if isinstance(body, str) else json.dumps(body)
        return self.client.patch(
            path, payload, content_type="application/json", headers=self.headers
        )

    def request(self, method: str, path: str):
        return getattr(self.client, method.lower())(path, headers=self.headers)


def assert_error(response, status: int, code: str) -> dict:
    """The response is an error in the API's one shape; returns its `error` object."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], dict)
    return error
