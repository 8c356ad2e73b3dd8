"""Password hashing with scrypt (memory-hard, in the standard library) and the password policy.

A stored hash reads ``scrypt$<n>$<r>$<p>$<salt, base64>$<key, base64>``: the cost travels with
the hash, so raising it later leaves older hashes verifiable (and ``needs_rehash`` says so).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass

from console.core.i18n import translate

SCHEME = "scrypt"
N, R, P = 2**14, 8, 1  # 16 MiB of memory, ~50 ms on a workstation: sign-in stays under 0.5 s
KEY_BYTES = 32
SALT_BYTES = 16
MIN_LENGTH = 8


class PasswordPolicyError(ValueError):
    """A new password does not meet the policy (the message says which rule; ``rule`` names
    it for a window that words it in its language: ``length``, ``mix`` or ``login``)."""

    def __init__(self, message: str, rule: str) -> None:
        super().__init__(message)
        self.rule = rule


@dataclass(frozen=True, slots=True)
class _Parsed:
    n: int
    r: int
    p: int
    salt: bytes
    key: bytes


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * n * r, dklen=KEY_BYTES
    )


def hash_password(password: str) -> str:
    salt = os.urandom(SALT_BYTES)
    key = _derive(password, salt, N, R, P)
    b64 = base64.b64encode
    return f"{SCHEME}${N}${R}${P}${b64(salt).decode()}${b64(key).decode()}"


def _parse(stored: str) -> _Parsed | None:
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        return None
    try:
        n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
        salt, key = base64.b64decode(parts[4], validate=True), base64.b64decode(parts[5])
    except ValueError:
        return None
    if n < 2 or n & (n - 1) or not 0 < r <= 64 or not 0 < p <= 16:
        return None
    return _Parsed(n, r, p, salt, key)


def verify_password(password: str, stored: str | None) -> bool:
    """True when ``password`` matches ``stored``; False for a wrong one or an unreadable hash
    (an account without a password cannot be signed in to)."""
    parsed = _parse(stored) if stored else None
    if parsed is None:
        return False
    key = _derive(password, parsed.salt, parsed.n, parsed.r, parsed.p)
    return hmac.compare_digest(key, parsed.key)


def needs_rehash(stored: str) -> bool:
    parsed = _parse(stored)
    return parsed is None or (parsed.n, parsed.r, parsed.p) != (N, R, P)


def check_policy(password: str, login: str) -> None:
    """At least 8 characters, letters and digits, not the login name."""
    if len(password) < MIN_LENGTH:
        raise PasswordPolicyError(
            translate("Accounts", "the password must have at least {n} characters").format(
                n=MIN_LENGTH
            ),
            "length",
        )
    if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        raise PasswordPolicyError(
            translate("Accounts", "the password must contain letters and digits"), "mix"
        )
    if password.casefold() == login.casefold() or login.casefold() in password.casefold():
        raise PasswordPolicyError(
            translate("Accounts", "the password must not contain the login name"), "login"
        )
