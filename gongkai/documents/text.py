"""The text of uploaded or pasted bytes in any common Chinese encoding: :func:`decode_text`.

The order is ours and fixed, so that a file reads the same every time: a BOM (UTF-8, UTF-32, UTF-16)
decides; then UTF-8; UTF-16 without a BOM (ASCII characters leave NULs on every other byte); the charset a
web page declares in ``<meta … charset=…>``; GB18030 (a superset of GBK and GB2312); and UTF-16 without a
BOM once more. A text valid both as GB18030 and as Big5 (every Big5 byte pair is a valid GB18030 one, so
Big5 would always read as nonsense GB18030) is Big5 only when ``charset-normalizer`` says so and the text has
at least :data:`BIG5_MIN_BYTES` non-ASCII bytes (on two or three characters it cannot tell them apart: it
takes "公開"/"收到" in GBK for Big5). Bytes that decode to NULs or many control characters are binary:
``None``.
"""

from __future__ import annotations

import codecs
import re

#: C0 controls other than \t \n \r, DEL and C1 controls other than NEL: never text.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x84\x86-\x9f]")
#: Non-ASCII bytes needed before charset-normalizer is asked whether GB18030-valid bytes are Big5.
BIG5_MIN_BYTES = 16
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_CHARSET_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030"}
_SAMPLE = 20000


def decode_text(data: bytes, *, final: bool = True) -> str | None:
    """The text of ``data``, or None when it is not text in an encoding we read.

    With ``final=False`` a character cut at the end of ``data`` is not an error (a sample of a file).
    """
    text: str | None = None
    if data.startswith(codecs.BOM_UTF8):
        text = _try(data, "utf-8-sig", final)
    elif data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        text = _try(data, "utf-32", final)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _try(data, "utf-16", final)
    else:
        text = _try(data, "utf-8", final)
        if b"\x00" in data[:4000]:  # UTF-16 without a BOM (any 8-bit decoding would keep the NULs)
            text = _utf16_without_bom(data, final) or text
        if text is None:
            text = _declared(data, final)
        if text is None:
            text = _chinese(data, final)
        if text is None:
            text = _utf16_without_bom(data, final)
    if text is None:
        return None
    sample = text[:_SAMPLE]
    if "\x00" in sample or len(CONTROL.findall(sample)) > max(2, len(sample) // 200):
        return None
    return text


def _try(data: bytes, encoding: str, final: bool) -> str | None:
    try:
        return codecs.getincrementaldecoder(encoding)().decode(data, final=final)
    except (UnicodeDecodeError, LookupError):
        return None


def _declared(data: bytes, final: bool) -> str | None:
    """The text in the charset a web page declares, if it is one Python knows and it decodes."""
    m = _META_CHARSET.search(data[:4096])
    if not m:
        return None
    encoding = m.group(1).decode("ascii").lower()
    encoding = _CHARSET_ALIASES.get(encoding, encoding)
    try:
        codecs.lookup(encoding)
    except LookupError:
        return None
    return _try(data, encoding, final)


def _chinese(data: bytes, final: bool) -> str | None:
    """GB18030, or Big5 when the bytes are Big5 too and charset-normalizer is sure enough."""
    text = _try(data, "gb18030", final)
    if text is None:
        return _try(data, "big5", final)
    if sum(1 for byte in data[:_SAMPLE] if byte >= 0x80) < BIG5_MIN_BYTES:
        return text
    big5 = _try(data, "big5", final)
    if big5 is None:
        return text
    from charset_normalizer import from_bytes

    best = from_bytes(data[:_SAMPLE], cp_isolation=["gb18030", "big5"]).best()
    return big5 if best is not None and best.encoding == "big5" else text


def _utf16_without_bom(data: bytes, final: bool) -> str | None:
    """UTF-16 text without a BOM: ASCII characters leave NULs on every other byte."""
    if len(data) < 4 or (len(data) % 2 and final):
        return None
    sample = data[:4000]
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nuls > half // 4 and even_nuls == 0:
        return _try(data, "utf-16-le", final)
    if even_nuls > half // 4 and odd_nuls == 0:
        return _try(data, "utf-16-be", final)
    return None
