"""Errors every service implementation raises the same way.

The domain core raises them, the HTTP API turns them into a status and a JSON body
``{"error": code, "detail": message}``, and the remote client turns that body back into the
same exception, so the TUI handles one family of errors whichever service it talks to.
"""

from __future__ import annotations

__all__ = [
    "ServiceError",
    "NotFound",
    "InvalidInput",
    "Conflict",
    "InsufficientFunds",
    "AuthenticationFailed",
    "Forbidden",
    "ServiceUnavailable",
    "LinkExpired",
    "TooManyRequests",
    "ServerBusy",
    "CodeWordRequired",
    "LockoutRisk",
    "error_for_code",
]


class ServiceError(Exception):
    """Base of every error a service reports to its caller; ``str(err)`` is fit for a user."""

    code = "error"
    http_status = 400

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(ServiceError):
    """Unknown id, or one that belongs to another customer (never told apart)."""

    code = "not_found"
    http_status = 404


class InvalidInput(ServiceError):
    code = "invalid_input"
    http_status = 422


class Conflict(ServiceError):
    """The request is well-formed but the object's state does not allow it."""

    code = "conflict"
    http_status = 409


class InsufficientFunds(Conflict):
    code = "insufficient_funds"
    http_status = 409


class AuthenticationFailed(ServiceError):
    code = "authentication_failed"
    http_status = 401


class Forbidden(ServiceError):
    code = "forbidden"
    http_status = 403


class ServiceUnavailable(ServiceError):
    """The server cannot be reached or answered with something that is not the contract."""

    code = "unavailable"
    http_status = 503


class LinkExpired(ServiceError):
    """A pay link that existed but has expired or was revoked (paid, deleted)."""

    code = "link_expired"
    http_status = 410


class TooManyRequests(ServiceError):
    """Too many failed attempts: refused without being checked until ``retry_after`` seconds pass."""

    code = "too_many_requests"
    http_status = 429

    def __init__(self, detail: str, retry_after: int | None = None) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class ServerBusy(Conflict):
    """Another job is queued or running on the server; the detail names it. Wait, do not retry blindly."""

    code = "server_busy"
    http_status = 409


class CodeWordRequired(Forbidden):
    """The customer has a code word and this action needs it: ask for it and send it along."""

    code = "code_word_required"
    http_status = 403


class LockoutRisk(Conflict):
    """The allowed IP ranges would leave out the address in use now; send them again with
    ``confirm_lockout`` to save them anyway."""

    code = "lockout_risk"
    http_status = 409


_BY_CODE = {
    cls.code: cls
    for cls in (
        NotFound,
        InvalidInput,
        Conflict,
        InsufficientFunds,
        AuthenticationFailed,
        Forbidden,
        ServiceUnavailable,
        LinkExpired,
        TooManyRequests,
        ServerBusy,
        CodeWordRequired,
        LockoutRisk,
    )
}


def error_for_code(code: str, detail: str) -> ServiceError:
    return _BY_CODE.get(code, ServiceError)(detail)
