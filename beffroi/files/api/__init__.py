"""The drive's REST endpoints under ``/api/v1/files/``."""
