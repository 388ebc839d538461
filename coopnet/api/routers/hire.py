"""The hire API."""

from ninja import Router

router = Router(tags=["hire"])
