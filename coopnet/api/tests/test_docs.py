"""docs/api.md cannot rot: every endpoint and every error code is in it."""

from pathlib import Path

import pytest

from coopnet.api.errors import CODE_BY_STATUS

DOCS = Path(__file__).resolve().parents[3] / "docs"
# The guide is docs/api.md, with one further page per domain (docs/api-<domain>.md).
GUIDE = DOCS / "api.md"


@pytest.fixture(scope="module")
def guide() -> str:
    pages = [GUIDE, *sorted(DOCS.glob("api-*.md"))]
    return "\n".join(page.read_text() for page in pages)


def test_it_documents_every_endpoint_of_the_schema(client, db, guide):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    missing = [
        f"{method.upper()} {path}"
        for path, operations in paths.items()
        for method in operations
        if f"`{method.upper()} {path}`" not in guide
    ]
    assert missing == [], f"document these in {GUIDE}"


def test_it_gives_every_endpoint_a_curl_example(client, db, guide):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    sections = guide.split("\n### ")[1:]
    for path, operations in paths.items():
        for method in operations:
            heading = f"`{method.upper()} {path}`"
            section = next(s for s in sections if s.startswith(heading))
            example_path = path.split("{")[0]
            assert "curl" in section and example_path in section, heading


def test_it_documents_every_error_code(guide):
    codes = {*CODE_BY_STATUS.values(), "invalid", "invalid_json", "invalid_token"}

    assert [code for code in sorted(codes) if f"`{code}`" not in guide] == []
