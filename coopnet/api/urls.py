from ninja import NinjaAPI

api = NinjaAPI(title="Coopnet API", version="1", urls_namespace="api")
