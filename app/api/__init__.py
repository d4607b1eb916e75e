"""The REST API: create_app(), routers, request and response schemas, problem+json."""
