"""Tracking codes and status-page secrets: made, hashed, checked and shown."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

from gongkai.applications.models import Application

#: Characters of tracking codes and secrets: no 0/O, 1/I/L, so they can be read out on the phone.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_CODE_LENGTH = 12  # 31**12 ≈ 2**59
SECRET_LENGTH = 16  # 31**16 ≈ 2**79


def new_code(length: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.strip().upper().encode()).hexdigest()


def check_secret(application: Application, secret: str) -> bool:
    return hmac.compare_digest(application.secret_hash, hash_secret(secret))


def secret_for_submission(submission_key: str) -> str:
    """The secret of an online submission, derived from its key so a repeated POST shows the same one."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"gongkai.application|{submission_key}".encode(), "sha256"
    )
    value = int.from_bytes(digest.digest(), "big")
    chars = []
    for _ in range(SECRET_LENGTH):
        value, index = divmod(value, len(_ALPHABET))
        chars.append(_ALPHABET[index])
    return "".join(chars)


def format_tracking_code(code: str) -> str:
    """``ABCD-EFGH-JKMN`` for display."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalize_tracking_code(value: str) -> str:
    return "".join(ch for ch in value.upper() if ch.isalnum())
