"""Numbered pages for every list the API returns.

    {"count": 57, "page": 2, "page_size": 20, "next": "<url>", "previous": "<url>",
     "results": [...]}

`page_size` above the maximum is lowered to it, not refused, so a client asking for "as many
as possible" gets them. A page past the end is empty, not an error.
"""

from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.conf import settings as ninja_settings
from ninja.pagination import PaginationBase


def _page_url(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{urlencode(query, doseq=True)}")


class PageNumbered(PaginationBase):
    items_attribute = "results"

    class Input(Schema):
        # The bound keeps the offset within what every database accepts.
        page: int = Field(1, ge=1, le=10**9, description="The page, from 1.")
        page_size: int = Field(
            ninja_settings.PAGINATION_PER_PAGE,
            ge=1,
            description=(
                f"Items per page; at most {ninja_settings.PAGINATION_MAX_PER_PAGE_SIZE}, "
                "a larger value is lowered to that."
            ),
        )

    class Output(Schema):
        count: int
        page: int
        page_size: int
        next: str | None
        previous: str | None
        results: list[Any]

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        page_size = min(pagination.page_size, ninja_settings.PAGINATION_MAX_PER_PAGE_SIZE)
        page = pagination.page
        offset = (page - 1) * page_size
        count = queryset.count()
        return {
            "count": count,
            "page": page,
            "page_size": page_size,
            "next": _page_url(request, page + 1) if offset + page_size < count else None,
            "previous": _page_url(request, page - 1) if page > 1 else None,
            "results": list(queryset[offset : offset + page_size]),
        }
