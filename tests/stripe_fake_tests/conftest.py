"""One FakeStripeServer per module (fixtures live in fixtures.py so --noconftest runs work too)."""
from .fixtures import client, fake, receiver, server  # noqa: F401
