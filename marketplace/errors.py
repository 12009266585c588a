"""Domain errors raised by services and mapped to HTTP responses or form errors by the web layer."""
from __future__ import annotations


class DomainError(Exception):
    """A rule of the product refused an operation; the message is safe to show to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidTransition(DomainError):
    """A status change that the state machine does not allow, or that lost a race."""

    def __init__(self, entity: str, entity_id: object, from_status: str | None, to_status: str,
                 message: str | None = None):
        self.entity = entity
        self.entity_id = entity_id
        self.from_status = from_status
        self.to_status = to_status
        super().__init__(message or f"{entity} {entity_id} cannot go from {from_status} to {to_status}.")


class PermissionDenied(DomainError):
    """The actor may not perform this operation on this object."""


class NotAllowed(DomainError):
    """Input that breaks a rule, attributable to one form field (or to the whole form if field is None)."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field


class FieldErrors(DomainError):
    """Several refused inputs at once: field name -> messages (None for the form as a whole)."""

    def __init__(self, errors: dict[str | None, list[str]]):
        super().__init__("; ".join(str(m) for messages in errors.values() for m in messages))
        self.errors = errors
