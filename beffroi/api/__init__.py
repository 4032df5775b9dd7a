"""The REST API adapter: one django-ninja instance, its authentication and its error shape."""
