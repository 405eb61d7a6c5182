"""Reverse DNS names: the provider's default name of an address, and what a customer may set.

A name is normalised first (trimmed, lower-cased, one trailing dot dropped, internationalised
labels turned into punycode) and then checked rule by rule; each refusal names the rule that
failed, so the user knows what to change. An empty name resets the address to the default.
"""

from __future__ import annotations

import ipaddress

import idna

from backend.contract import InvalidInput

# The zone the provider's own names for customer addresses live in.
DEFAULT_ZONE = "clients.nordlicht.example"
MAX_NAME = 253
MAX_LABEL = 63
_LDH = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def default_reverse_dns(address: str) -> str:
    """The provider's name for an address: its digits joined by hyphens, under DEFAULT_ZONE.

    IPv6 addresses are written out in full, so no label holds "--" where "::" was.
    """
    parsed = ipaddress.ip_address(address)
    text = parsed.exploded if parsed.version == 6 else str(parsed)
    return f"{text.replace('.', '-').replace(':', '-')}.{DEFAULT_ZONE}"


def _shown(label: str) -> str:
    return label if len(label) <= 24 else label[:20] + "…"


def _ascii_label(label: str) -> str:
    if label.isascii():
        return label
    try:
        return idna.alabel(label).decode("ascii")
    except idna.IDNAError as exc:
        raise InvalidInput(f"label '{_shown(label)}' is not a valid internationalised name: {exc}") from None


def normalise_reverse_dns(name: str) -> str | None:
    """The name as stored, or None to reset the address to the provider's default name.

    Raises InvalidInput naming the rule that failed.
    """
    name = name.strip().lower()
    if name.endswith("."):
        name = name[:-1]
    if not name:
        return None
    try:
        ipaddress.ip_address(name)
    except ValueError:
        pass
    else:
        raise InvalidInput(f"'{name}' is an IP address; reverse DNS needs a host name")
    labels = [_ascii_label(label) for label in name.split(".")]
    name = ".".join(labels)
    if len(name) > MAX_NAME:
        raise InvalidInput(f"the name is {len(name)} characters long; at most {MAX_NAME} are allowed")
    if len(labels) < 2:
        raise InvalidInput(f"'{name}' has one label; a host name needs at least two (host.example.com)")
    for label in labels:
        _check_label(label)
    if labels[-1].isdigit():
        raise InvalidInput(f"the top label '{labels[-1]}' is all digits; it must contain a letter")
    return name


def _check_label(label: str) -> None:
    if not label:
        raise InvalidInput("the name has an empty label (two dots in a row, or a dot at the start)")
    if len(label) > MAX_LABEL:
        raise InvalidInput(
            f"label '{_shown(label)}' is {len(label)} characters long; at most {MAX_LABEL} are allowed"
        )
    if not set(label) <= _LDH:
        raise InvalidInput(f"label '{_shown(label)}' has a character that is not a letter, digit or hyphen")
    if label.startswith("-") or label.endswith("-"):
        raise InvalidInput(f"label '{_shown(label)}' starts or ends with a hyphen")
