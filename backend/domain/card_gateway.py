"""The payment-provider interface for cards, and the test gateway the portal server hosts.

A real provider would live behind the same two calls: where to send the payer, and how to
tell that a callback really came from the provider. The test gateway signs its callbacks with
HMAC-SHA256 under a key derived from the portal's secret, so a forged callback books nothing.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Protocol


class CardGateway(Protocol):
    name: str

    def checkout_url(self, checkout_ref: str) -> str: ...

    def sign(self, checkout_ref: str, outcome: str) -> str: ...

    def verify(self, checkout_ref: str, outcome: str, signature: str) -> bool: ...


class TestGateway:
    """Card checkout pages served by hostui-server under /test-gateway (no real money moves)."""

    name = "test-gateway"

    def __init__(self, public_url: str, key: bytes) -> None:
        self._public_url = public_url.rstrip("/")
        self._key = key

    def checkout_url(self, checkout_ref: str) -> str:
        return f"{self._public_url}/test-gateway/checkout/{checkout_ref}"

    def callback_url(self, checkout_ref: str, outcome: str) -> str:
        signature = self.sign(checkout_ref, outcome)
        return (
            f"{self._public_url}/payments/card/callback"
            f"?ref={checkout_ref}&outcome={outcome}&signature={signature}"
        )

    def sign(self, checkout_ref: str, outcome: str) -> str:
        message = f"{checkout_ref}:{outcome}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def verify(self, checkout_ref: str, outcome: str, signature: str) -> bool:
        return hmac.compare_digest(self.sign(checkout_ref, outcome), signature)


def gateway_for(portal) -> TestGateway:  # noqa: ANN001
    return TestGateway(portal.settings.public_url, portal.secrets.derive_key("card-gateway"))
