"""Celery tasks: thin wrappers that take ids, call a service, and commit."""
