"""Encryption at rest and keyed hashes for personal data (ID numbers, phone numbers)."""

from __future__ import annotations

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

# Every Fernet token starts with the version byte 0x80, which base64url-encodes to "gAAAAA".
TOKEN_PREFIX = "gAAAAA"  # noqa: S105 (a format marker, not a secret)


@cache
def _fernet(key_setting: str) -> MultiFernet:
    # Several comma-separated keys allow rotation: the first encrypts, all decrypt.
    keys = [k.strip() for k in key_setting.split(",") if k.strip()]
    return MultiFernet([Fernet(k.encode()) for k in keys])


@cache
def _hash_key(key_setting: str) -> bytes:
    # A separate key for the blind index, derived so that neither key reveals the other.
    primary = key_setting.split(",")[0].strip().encode()
    return hmac.new(primary, b"shezhi blind index v1", hashlib.sha256).digest()


def encrypt(plaintext: str) -> str:
    return _fernet(settings.SHEZHI_FIELD_KEY).encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(settings.SHEZHI_FIELD_KEY).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("personal data cannot be decrypted with SHEZHI_FIELD_KEY") from exc


def blind_index(normalized: str) -> str:
    """A keyed hash (HMAC-SHA256) for exact lookup and uniqueness without plaintext."""
    return hmac.new(
        _hash_key(settings.SHEZHI_FIELD_KEY), normalized.encode(), hashlib.sha256
    ).hexdigest()
