"""One FakePlatformsServer per module (fixtures live in fixtures.py so --noconftest works)."""
from .fixtures import fake, http, server  # noqa: F401
