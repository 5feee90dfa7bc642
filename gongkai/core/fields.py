"""Model fields for personal data kept encrypted at rest (the crypto itself: :mod:`gongkai.core.sealing`).

:class:`EncryptedCharField` stores ``v1:<key id>:<base64>`` in a text column and gives back the plain
string on read, so the code above it keeps working with plain values. Its ``max_length`` is the plain
value's (forms and ``full_clean`` check it). It cannot be filtered on (a random nonce makes every
ciphertext different): only ``isnull``; exact-match lookups go through a digest column filled from
:func:`lookup_digest`. An empty string is stored empty.

The keys come from the settings (``GONGKAI_DATA_KEYS``, ``GONGKAI_LOOKUP_KEY``), never from the database.
"""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models.lookups import IsNull

from gongkai.core import sealing


@functools.lru_cache(maxsize=4)
def _keyring(spec: str) -> sealing.Keyring:
    try:
        return sealing.parse_keys(spec)
    except sealing.KeySpecError as exc:
        raise ImproperlyConfigured(f"GONGKAI_DATA_KEYS: {exc}") from exc


def keyring() -> sealing.Keyring:
    """The data keys of the settings (parsed once per configuration value)."""
    spec = getattr(settings, "GONGKAI_DATA_KEYS", "")
    if not spec:
        raise ImproperlyConfigured("GONGKAI_DATA_KEYS (or GONGKAI_DATA_KEYS_FILE) is not set")
    return _keyring(spec)


@functools.lru_cache(maxsize=4)
def _lookup_key(explicit: str, data_spec: str) -> bytes:
    if explicit:
        try:
            return sealing.parse_lookup_key(explicit)
        except sealing.KeySpecError as exc:
            raise ImproperlyConfigured(f"GONGKAI_LOOKUP_KEY: {exc}") from exc
    return sealing.derive_lookup_key(_keyring(data_spec).keys[0][1])


def lookup_digest(value: str) -> str:
    """The keyed digest of an identity number for exact-match lookups (empty for an empty value)."""
    keyring()  # a clear error when no key is configured
    return sealing.lookup_digest(
        _lookup_key(getattr(settings, "GONGKAI_LOOKUP_KEY", ""), settings.GONGKAI_DATA_KEYS), value
    )


def seal(value: str, context: str) -> str:
    """Seal a value kept outside an encrypted column (e.g. in a JSON document); empty stays empty."""
    return keyring().seal(value, context) if value else ""


def unseal(value: Any, context: str) -> Any:
    """Open a value sealed by :func:`seal`; anything not sealed is returned as it is."""
    return keyring().open(value, context) if sealing.is_sealed(value) else value


class _Sealed:
    """What the encrypted fields share: the context (table and column, never the row)."""

    model: type[models.Model]
    name: str

    def context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def get_lookup(self, lookup_name: str) -> Any:
        # Only "is null": any other comparison would compare ciphertexts and silently never match.
        return IsNull if lookup_name == "isnull" else None


class _SealedString(_Sealed):
    """A string column's value: sealed on the way in, opened on the way out (empty stays empty)."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return keyring().open(value, self.context())

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)  # type: ignore[misc]  # the model field's, next in the MRO
        if value is None or value == "":
            return value
        return keyring().seal(str(value), self.context())


class EncryptedCharField(_SealedString, models.CharField):  # type: ignore[type-arg]
    """A string encrypted at rest (AES-GCM), bound to its table and column."""

    description = "String encrypted at rest"

    def get_internal_type(self) -> str:
        # Ciphertext is longer than the plain value: a text column, whatever max_length says.
        return "TextField"


class EncryptedTextField(_SealedString, models.TextField):  # type: ignore[type-arg]
    """A long text encrypted at rest (a letter's text)."""

    description = "Text encrypted at rest"


class EncryptedBinaryField(_Sealed, models.BinaryField):  # type: ignore[type-arg]
    """Bytes encrypted at rest (a letter's .docx, a file of the case file): the column holds the sealed
    value's ASCII; reading gives the plain bytes."""

    description = "Bytes encrypted at rest"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or len(value) == 0:
            return value
        return keyring().open_bytes(bytes(value).decode("ascii"), self.context())

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if value is not None and len(value) > 0:
            value = keyring().seal_bytes(bytes(value), self.context()).encode("ascii")
        return super().get_db_prep_value(value, connection, prepared)
