"""Fixtures of the API tests."""

import pytest

from coopnet.api.tests.helpers import ApiClient, make_token


@pytest.fixture
def api_as(client):
    """`api_as(user)` is a JSON client acting with a fresh token of `user`; `api_as(None)` is
    anonymous."""

    def make(user=None) -> ApiClient:
        return ApiClient(client, make_token(user) if user is not None else None)

    return make
