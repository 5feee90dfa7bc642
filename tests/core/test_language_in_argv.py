from __future__ import annotations

import pytest

from gongkai.core.i18n import language_in_argv

CHOICES = ("zh-hans", "en")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["gongkai", "check", "--help"], "zh-hans"),
        (["gongkai", "check", "--lang", "en", "--help"], "en"),
        (["gongkai", "check", "--help", "--lang=en"], "en"),
        (["gongkai", "check", "--lang", "fr"], "zh-hans"),  # not offered: the default
        (["gongkai", "check", "--lang"], "zh-hans"),  # no value: argparse will complain, in Chinese
        (["gongkai", "check", "--language", "en"], "zh-hans"),
    ],
)
def test_language_in_argv(argv: list[str], expected: str) -> None:
    assert language_in_argv(argv, CHOICES) == expected
