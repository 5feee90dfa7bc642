"""The data keys of the personal data at rest (settings ``GONGKAI_DATA_KEYS`` / ``_FILE``,
``GONGKAI_LOOKUP_KEY``): production refuses to start without a readable key; development has a fixed one.
Each case imports the settings in a fresh interpreter (``tests.test_settings.load_settings``)."""

from __future__ import annotations

import base64
from pathlib import Path

from tests.test_settings import load_settings

KEY = base64.b64encode(b"K" * 32).decode()


def test_production_refuses_to_start_without_a_data_key() -> None:
    result = load_settings({"SECRET_KEY": "x", "GONGKAI_DATA_KEYS": ""})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "GONGKAI_DATA_KEYS" in result.stderr and "gongkai pii new-key" in result.stderr


def test_production_refuses_a_malformed_key() -> None:
    for spec in ("k1", "k1:short", f"k1:{KEY},k1:{KEY}"):
        result = load_settings({"SECRET_KEY": "x", "GONGKAI_DATA_KEYS": spec})
        assert result.returncode != 0, spec
        assert "GONGKAI_DATA_KEYS / GONGKAI_LOOKUP_KEY cannot be read" in result.stderr
    bad_lookup = load_settings(
        {"SECRET_KEY": "x", "GONGKAI_DATA_KEYS": f"k1:{KEY}", "GONGKAI_LOOKUP_KEY": "x"}
    )
    assert bad_lookup.returncode != 0


def test_production_reads_the_keys_from_a_file(tmp_path: Path) -> None:
    keys = tmp_path / "data-keys"
    keys.write_text(f"k2:{KEY}\n", encoding="utf-8")
    result = load_settings({"SECRET_KEY": "x", "GONGKAI_DATA_KEYS": "", "GONGKAI_DATA_KEYS_FILE": str(keys)})
    assert result.returncode == 0, result.stderr


def test_development_has_a_fixed_data_key() -> None:
    result = load_settings({"GONGKAI_DEBUG": "true", "GONGKAI_DATA_KEYS": ""})
    assert result.returncode == 0, result.stderr
