"""One guard for every zip (:mod:`gongkai.documents.zipguard`): refused from the directory, never unpacked."""

from __future__ import annotations

import io
import zipfile

import pytest

from gongkai.documents.zipguard import OFFICE_LIMITS, ZipLimits, ZipRefused, check_members, check_zip

LIMITS = ZipLimits(max_members=3, max_total_bytes=10 * 2**20)


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def _refused(data: bytes, limits: ZipLimits) -> ZipRefused:
    with pytest.raises(ZipRefused) as refused:
        check_zip(data, limits)
    return refused.value


def test_a_zip_within_its_limits_passes() -> None:
    infos = check_zip(_zip({"a.txt": b"a", "b/c.txt": b"bc"}), LIMITS)
    assert [info.filename for info in infos] == ["a.txt", "b/c.txt"]


def test_too_many_members() -> None:
    refused = _refused(_zip({f"{n}.txt": b"x" for n in range(4)}), LIMITS)
    assert (refused.reason, refused.found, refused.limit) == ("members", 4, 3)


def test_too_much_in_all_is_refused_from_the_declared_sizes() -> None:
    refused = _refused(_zip({"zeros": bytes(11 * 2**20)}), LIMITS)
    assert (refused.reason, refused.found) == ("total", 11 * 2**20)


def test_the_declared_size_is_trusted_not_unpacked() -> None:
    infos = zipfile.ZipFile(io.BytesIO(_zip({"small": b"x"}))).infolist()
    infos[0].file_size = 2**40  # a directory that lies: refused without reading anything
    with pytest.raises(ZipRefused) as refused:
        check_members(infos, LIMITS)
    assert refused.value.reason == "total"


def test_too_much_xml() -> None:
    limits = ZipLimits(max_members=10, max_total_bytes=2**30, max_xml_bytes=2**20)
    assert _refused(_zip({"word/document.xml": bytes(2**20 + 1)}), limits).reason == "xml"
    check_zip(_zip({"word/media/image1.png": bytes(2**20 + 1)}), limits)  # not XML


def test_the_compression_ratio_of_a_member() -> None:
    limits = ZipLimits(max_members=10, max_total_bytes=2**30, max_ratio=100)
    refused = _refused(_zip({"zeros": bytes(2 * 2**20)}), limits)  # zeros deflate about 1000:1
    assert refused.reason == "ratio" and isinstance(refused.found, float) and refused.found > 100
    check_zip(_zip({"small-zeros": bytes(1000)}), limits)  # under the floor: not held to the ratio
    check_zip(_zip({"zeros": bytes(2 * 2**20)}), ZipLimits(max_members=10, max_total_bytes=2**30))


def test_no_zip_raises_what_zipfile_raises() -> None:
    with pytest.raises(zipfile.BadZipFile):
        check_zip(b"PK\x03\x04 not a zip", OFFICE_LIMITS)
