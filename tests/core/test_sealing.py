"""The sealing of personal data at rest (gongkai.core.sealing): AES-256-GCM with a random nonce, the column
as associated data, several keys for rotation, and keyed digests for exact-match lookups. No database."""

from __future__ import annotations

import base64

import pytest

from gongkai.core import sealing

KEY_A = base64.b64encode(b"A" * 32).decode()
KEY_B = base64.b64encode(b"B" * 32).decode()
ID = "11010519800101007X"
CONTEXT = "applications.application.id_number"


def test_a_sealed_value_opens_to_the_plain_value_and_does_not_contain_it() -> None:
    ring = sealing.parse_keys(f"a:{KEY_A}")
    token = ring.seal(ID, CONTEXT)
    assert token.startswith("v1:a:")
    assert ID not in token and "19800101" not in token
    assert ring.open(token, CONTEXT) == ID
    assert sealing.is_sealed(token) and not sealing.is_sealed(ID)


def test_every_sealing_uses_a_fresh_nonce() -> None:
    ring = sealing.parse_keys(f"a:{KEY_A}")
    tokens = {ring.seal("13812345678", CONTEXT) for _ in range(20)}
    assert len(tokens) == 20


def test_a_value_does_not_open_in_another_column_or_after_a_change() -> None:
    ring = sealing.parse_keys(f"a:{KEY_A}")
    token = ring.seal(ID, CONTEXT)
    with pytest.raises(sealing.SealingError):
        ring.open(token, "applications.application.phone")
    raw = bytearray(base64.b64decode(token.split(":")[2]))
    raw[-1] ^= 1
    altered = "v1:a:" + base64.b64encode(bytes(raw)).decode()
    with pytest.raises(sealing.SealingError):
        ring.open(altered, CONTEXT)
    with pytest.raises(sealing.SealingError):
        ring.open(ID, CONTEXT)


def test_rotation_the_first_key_seals_every_key_opens() -> None:
    old = sealing.parse_keys(f"a:{KEY_A}")
    token = old.seal(ID, CONTEXT)
    rotated = sealing.parse_keys(f"b:{KEY_B}, a:{KEY_A}")
    assert rotated.current_id == "b"
    assert rotated.open(token, CONTEXT) == ID
    assert rotated.needs_reseal(token)
    resealed = rotated.seal(rotated.open(token, CONTEXT), CONTEXT)
    assert not rotated.needs_reseal(resealed)
    # Once the old key is dropped, values still sealed with it no longer open.
    with pytest.raises(sealing.SealingError, match="unknown data key"):
        sealing.parse_keys(f"b:{KEY_B}").open(token, CONTEXT)


@pytest.mark.parametrize(
    "spec",
    [
        "",
        "a",
        f"a{KEY_A}",
        "a:not-base64!",
        f"a:{base64.b64encode(b'short').decode()}",
        f"a:{KEY_A},a:{KEY_B}",
        f"bad id:{KEY_A}",
    ],
)
def test_a_bad_key_configuration_is_refused(spec: str) -> None:
    with pytest.raises(sealing.KeySpecError):
        sealing.parse_keys(spec)


def test_the_lookup_digest_is_keyed_and_normalised() -> None:
    key = base64.b64decode(KEY_A)
    digest = sealing.lookup_digest(key, ID)
    assert len(digest) == 64 and ID not in digest
    assert sealing.lookup_digest(key, " 110105 19800101 007x ") == digest
    assert sealing.lookup_digest(base64.b64decode(KEY_B), ID) != digest
    assert sealing.lookup_digest(key, "") == ""
    derived = sealing.derive_lookup_key(key)
    assert derived != key and len(derived) == 32


def test_a_new_key_is_32_random_bytes() -> None:
    first, second = sealing.new_key(), sealing.new_key()
    assert len(base64.b64decode(first)) == 32 and first != second
    assert sealing.parse_keys(f"k1:{first}").current_id == "k1"
