"""The OpenAPI schema and the interactive documentation."""

import json
import re

from django.contrib.staticfiles import finders

EXPECTED_OPERATIONS = {
    ("get", "/api/v1/coops"),
    ("get", "/api/v1/coops/{slug}"),
    ("patch", "/api/v1/coops/{slug}"),
    ("get", "/api/v1/services"),
    ("get", "/api/v1/technologies"),
    ("get", "/api/v1/sectors"),
    ("get", "/api/v1/clients"),
    ("get", "/api/v1/me"),
    ("post", "/api/v1/match"),
    ("get", "/api/v1/briefs/inbox"),
    ("get", "/api/v1/briefs/inbox/{id}"),
    ("post", "/api/v1/briefs/inbox/{id}/answer"),
    ("post", "/api/v1/briefs/inbox/{id}/pass"),
    ("post", "/api/v1/briefs/inbox/{id}/outcome"),
    ("get", "/api/v1/referrals"),
    ("post", "/api/v1/referrals"),
    ("get", "/api/v1/referrals/{referral_id}"),
    ("post", "/api/v1/referrals/{referral_id}/claim"),
    ("post", "/api/v1/referrals/{referral_id}/decline"),
    ("post", "/api/v1/referrals/{referral_id}/status"),
    ("get", "/api/v1/referrals/ledger"),
    ("get", "/api/v1/referrals/totals"),
}


def _schema(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_it_lists_every_endpoint_in_the_schema(client, db):
    paths = _schema(client)["paths"]

    operations = {(method, path) for path, item in paths.items() for method in item}
    assert operations == EXPECTED_OPERATIONS


def test_it_declares_bearer_tokens_on_writes(client, db):
    schema = _schema(client)

    schemes = schema["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"}.items() <= schemes["TokenAuth"].items()
    assert schema["paths"]["/api/v1/coops/{slug}"]["patch"]["security"] == [{"TokenAuth": []}]
    assert schema["paths"]["/api/v1/me"]["get"]["security"] == [{"TokenAuth": []}]
    # Reads take a token or none.
    assert schema["paths"]["/api/v1/coops"]["get"]["security"] == [{"TokenAuth": []}, {}]
    assert schema["paths"]["/api/v1/coops/{slug}"]["get"]["security"] == [{"TokenAuth": []}, {}]


def test_it_documents_the_filters_of_the_list(client, db):
    operation = _schema(client)["paths"]["/api/v1/coops"]["get"]

    names = {p["name"] for p in operation["parameters"]}
    assert {"q", "service", "technology", "sector", "country", "region", "size"} <= names
    assert {"availability", "all", "page", "page_size"} <= names


def test_it_serves_the_interactive_docs_from_this_site_only(client, db):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert assets, "the docs page loads no script or style at all"
    external = [a for a in assets if re.match(r"^(https?:)?//", a)]
    assert external == [], "the docs must work on a closed network"
    for asset in assets:
        if asset.startswith("/static/"):
            path = asset.removeprefix("/static/").split("?")[0]
            assert finders.find(path), f"{asset} is referenced but no static file serves it"


def test_it_keeps_the_docs_from_calling_the_online_validator(client, db):
    html = client.get("/api/v1/docs").content.decode()

    settings_json = re.search(r'id="swagger-settings">(.*?)</script>', html, re.S).group(1)
    assert json.loads(settings_json)["validatorUrl"] is None


def test_every_schema_has_its_own_name_in_the_components(client, db):
    # django-ninja names a component after its class: two classes of one name become one
    # component, and the documentation shows one's fields for the other's endpoint.
    from ninja import Schema

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    _schema(client)  # imports every router
    ours = [cls for cls in subclasses(Schema) if cls.__module__.startswith("coopnet.")]
    names = [cls.__name__ for cls in ours]
    assert len(ours) > 20
    assert sorted(n for n in set(names) if names.count(n) > 1) == []


def test_each_endpoint_documents_its_own_request_and_response(client, db):
    schema = _schema(client)
    components = schema["components"]["schemas"]

    def fields(path, method, body=True):
        operation = schema["paths"][path][method]
        if body:
            content = operation["requestBody"]["content"]["application/json"]["schema"]
        else:
            content = operation["responses"]["200"]["content"]["application/json"]["schema"]
            content = content.get("items", content)
        return set(components[content["$ref"].rsplit("/", 1)[1]]["properties"])

    assert {"interested", "message", "decline_reason"} <= fields(
        "/api/v1/briefs/inbox/{id}/answer", "post"
    )
    assert fields("/api/v1/referrals/{referral_id}/claim", "post") == {"coop"}
    public_client = fields("/api/v1/clients", "get", body=False)
    assert not {"email", "phone", "notes"} & public_client
