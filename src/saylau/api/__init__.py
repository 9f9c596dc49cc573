"""The HTTP API (FastAPI): thin typed routes over the services; OpenAPI at /docs."""
