"""Sealing personal data at rest: AES-256-GCM with keys kept outside the database, and keyed digests for
exact-match lookups. Pure Python (no Django): the model field (:mod:`gongkai.core.fields`) and the
commands call it with the keys read by the settings.

A sealed value is ``v1:<key id>:<base64(nonce || ciphertext || tag)>``: a random 96-bit nonce per value,
and the *context* (the table and column, never the row) as associated data, so a value copied into
another column does not open. A keyring holds several keys: the first seals, every one opens (key
rotation: add the new key first, re-seal with ``gongkai pii rekey``, then drop the old one).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

VERSION = "v1"
NONCE_BYTES = 12
KEY_BYTES = 32
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
_LOOKUP_INFO = b"gongkai lookup digest v1"


class KeySpecError(ValueError):
    """The key configuration cannot be read."""


class SealingError(ValueError):
    """A sealed value cannot be opened (unknown key, altered, or not sealed at all)."""


def _decode_key(key_id: str, text: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise KeySpecError(f"key {key_id!r} is not base64") from exc
    if len(key) != KEY_BYTES:
        raise KeySpecError(f"key {key_id!r} must be {KEY_BYTES} bytes (AES-256), not {len(key)}")
    return key


@dataclass(frozen=True)
class Keyring:
    """Data keys by id; the first one seals."""

    keys: tuple[tuple[str, bytes], ...]

    def __post_init__(self) -> None:
        if not self.keys:
            raise KeySpecError("no data key")
        ids = [key_id for key_id, _key in self.keys]
        if len(set(ids)) != len(ids):
            raise KeySpecError("a key id is given twice")

    @property
    def current_id(self) -> str:
        return self.keys[0][0]

    def _key(self, key_id: str) -> bytes:
        for candidate, key in self.keys:
            if candidate == key_id:
                return key
        raise SealingError(f"unknown data key {key_id!r}")

    def seal(self, plaintext: str, context: str) -> str:
        """Encrypt ``plaintext`` with the current key and a fresh random nonce."""
        return self.seal_bytes(plaintext.encode("utf-8"), context)

    def open(self, token: str, context: str) -> str:
        """Decrypt a value sealed by :meth:`seal` with any key of the ring, for the same ``context``."""
        return self.open_bytes(token, context).decode("utf-8")

    def seal_bytes(self, data: bytes, context: str) -> str:
        key_id, key = self.keys[0]
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(key).encrypt(nonce, data, context.encode("utf-8"))
        return f"{VERSION}:{key_id}:{base64.b64encode(nonce + sealed).decode('ascii')}"

    def open_bytes(self, token: str, context: str) -> bytes:
        key_id, body = _split(token)
        try:
            raw = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise SealingError("sealed value is not base64") from exc
        if len(raw) < NONCE_BYTES + 16:
            raise SealingError("sealed value is too short")
        try:
            cipher = AESGCM(self._key(key_id))
            return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode("utf-8"))
        except InvalidTag as exc:
            raise SealingError("sealed value does not open: altered, or sealed for another column") from exc

    def needs_reseal(self, token: str) -> bool:
        """Whether ``token`` was sealed with another key than the current one."""
        return key_id_of(token) != self.current_id


def _split(token: str) -> tuple[str, str]:
    version, sep, rest = token.partition(":")
    key_id, sep2, body = rest.partition(":")
    if version != VERSION or not sep or not sep2 or not _KEY_ID.match(key_id):
        raise SealingError("not a sealed value")
    return key_id, body


def is_sealed(value: object) -> bool:
    """Whether ``value`` has the form of a sealed value (it may still fail to open)."""
    if not isinstance(value, str):
        return False
    try:
        _split(value)
    except SealingError:
        return False
    return True


def key_id_of(token: str) -> str:
    return _split(token)[0]


def parse_keys(spec: str) -> Keyring:
    """``id:base64key,id2:base64key2`` (whitespace and newlines allowed between entries)."""
    entries = [item.strip() for item in re.split(r"[,\s]+", spec.strip()) if item.strip()]
    keys = []
    for entry in entries:
        key_id, sep, text = entry.partition(":")
        if not sep or not _KEY_ID.match(key_id):
            raise KeySpecError("each key is id:base64 with an id of 1-16 letters, digits, _ or -")
        keys.append((key_id, _decode_key(key_id, text)))
    return Keyring(tuple(keys))


def parse_lookup_key(text: str) -> bytes:
    return _decode_key("lookup", text)


def derive_lookup_key(data_key: bytes) -> bytes:
    """A lookup key derived (HKDF-SHA256) from a data key, when none is configured on its own."""
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=_LOOKUP_INFO).derive(data_key)


def normalise_identifier(value: str) -> str:
    """An identity number as looked up: upper-cased, every space removed."""
    return "".join(value.split()).upper()


def lookup_digest(key: bytes, value: str) -> str:
    """HMAC-SHA256 (hex) of the normalised ``value``; empty for an empty value."""
    normal = normalise_identifier(value)
    if not normal:
        return ""
    return hmac.new(key, normal.encode("utf-8"), hashlib.sha256).hexdigest()


def new_key() -> str:
    """A fresh random data key, base64 (for ``gongkai pii new-key``)."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode("ascii")
