"""The FastAPI service: JSON API under ``/v1`` and the web page at ``/``."""
