"""Errors a service raises for a person to read; handlers translate and show them."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """`message` is a gettext message id (marked with N_); `params` fill its placeholders."""

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.params = params


class NotAllowed(ServiceError):
    """This person may not do this to this object (or the object does not exist for them)."""


class Invalid(ServiceError):
    """Typed input that does not fit; the message says how to fix it."""
