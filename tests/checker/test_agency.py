"""The agency a report names (``gongkai.checker.detect.agency``, ``gongkai.reports.agencynames``): titles
wrapped over lines, official short forms, "本报告由…编制", the signature (落款), and matching a list of
agencies. The title shapes are those of published reports (the agencies' own names are kept as they
publish them; the bodies are the six headings only)."""

from __future__ import annotations

import pytest

from gongkai.checker.detect import detect_metadata
from gongkai.checker.detect.agency import agency_places
from gongkai.checker.pipeline import check_bytes
from gongkai.reports.agencynames import ABBREVIATIONS, expand_abbreviation, match_agency
from gongkai.reports.model import SECTIONS
from gongkai.reports.normalize import normalize_text

BODY = "\n".join(
    [SECTIONS[0].heading, "2023年，本机关认真贯彻落实《条例》，推进政府信息公开工作。"]
    + [s.heading + "\n无。" for s in SECTIONS[1:]]
)


def _agency(head: str, tail: str = "") -> str | None:
    return detect_metadata(normalize_text(f"{head}\n{BODY}\n{tail}"), True).agency


@pytest.mark.parametrize(
    ("title", "agency"),
    [
        # the name on its own line above the title (already read before)
        ("上海市黄浦区人民政府办公室\n2023年政府信息公开工作年度报告", "上海市黄浦区人民政府办公室"),
        # wrapped inside the name, inside the public word, before the last word
        ("上海市黄浦区人民政府\n办公室2023年政府信息公开工作年度报告", "上海市黄浦区人民政府办公室"),
        ("广州市海珠区官洲街道办事处2023年度政府\n信息公开工作年度报告", "广州市海珠区官洲街道办事处"),
        ("杨凌示范区审计局2022年度政府信息公开\n工作年度报告", "杨凌示范区审计局"),
        # three lines
        ("杨凌示范区\n审计局2022年度政府信息公开\n工作年度报告", "杨凌示范区审计局"),
        (
            "长春市二道区房屋征收工作管理办公室\n关于2022年度政府信息公开\n情况的报告",
            "长春市二道区房屋征收工作管理办公室",
        ),
        # a short form in the title is written in full
        ("上海市科委2023年政府信息公开工作年度报告", "上海市科学技术委员会"),
        ("成都市\n发改委2023年政府信息公开工作年度报告", "成都市发展和改革委员会"),
        ("杭州市西湖区市监局2023年度政府信息公开工作年度报告", "杭州市西湖区市场监督管理局"),
        # names starting with a character that also starts generic words (上级, 本机关, 全镇, 贵单位)
        ("上饶市人社局2023年政府信息公开工作年度报告", "上饶市人力资源和社会保障局"),
        ("贵州省卫健委2023年政府信息公开工作年度报告", "贵州省卫生健康委员会"),
        ("本溪市住建局2023年政府信息公开工作年度报告", "本溪市住房和城乡建设局"),
    ],
)
def test_the_title_names_the_agency(title: str, agency: str) -> None:
    assert _agency(title) == agency


@pytest.mark.parametrize(
    "title",
    [
        "本机关\n2023年政府信息公开工作年度报告",
        "区政府办公室2023年政府信息\n公开工作年度报告",
        "2023年政府信息\n公开工作年度报告",
        "上级机关2023年政府信息公开工作年度报告",
    ],
)
def test_a_generic_or_missing_name_is_never_invented(title: str) -> None:
    assert _agency(title) is None


@pytest.mark.parametrize(
    ("sentence", "agency"),
    [
        ("本报告由上海市黄浦区人民政府办公室编制。", "上海市黄浦区人民政府办公室"),
        (
            "本报告由平潭综合实验区政府信息公开工作领导小组办公室负责编制。",
            "平潭综合实验区政府信息公开工作领导小组办公室",
        ),
        ("本年度报告由上海市科委汇总编制。", "上海市科学技术委员会"),
        ("本报告由区政府办公室编制。", None),  # generic: not a name
    ],
)
def test_the_body_says_who_compiled_the_report(sentence: str, agency: str | None) -> None:
    assert _agency(f"2023年政府信息公开工作年度报告\n{sentence}") == agency


@pytest.mark.parametrize(
    ("signature", "agency"),
    [
        ("上海市黄浦区生态环境局\n2024年1月20日", "上海市黄浦区生态环境局"),
        ("上海市黄浦区生态环境局\n二〇二四年一月二十日", "上海市黄浦区生态环境局"),
        ("上海市黄浦区生态环境局\n2024年1月20日\n附件下载\n打印本页 关闭窗口", "上海市黄浦区生态环境局"),
        ("上海市黄浦区生态环境局", "上海市黄浦区生态环境局"),
        ("上海市科委\n2024年1月20日", "上海市科学技术委员会"),
        ("区政府办公室\n2024年1月20日", None),
    ],
)
def test_the_signature_names_the_agency(signature: str, agency: str | None) -> None:
    assert _agency("2023年政府信息公开工作年度报告", signature) == agency


BARE_TITLE = "发改委2023年政府信息公开工作年度报告"


@pytest.mark.parametrize("title", [BARE_TITLE, "发展和改革委员会2023年政府信息公开工作年度报告"])
def test_a_bare_short_form_with_no_place_names_no_agency(title: str) -> None:
    """Every county, city and province has a 发改委: with no place anywhere, no name is claimed."""
    assert _agency(title) is None
    assert _agency(title, "发改委\n2024年1月20日") is None


@pytest.mark.parametrize(
    ("tail", "agency"),
    [
        ("成都市发展和改革委员会\n2024年1月20日", "成都市发展和改革委员会"),  # the signature
        ("本报告由成都市发改委编制。", "成都市发展和改革委员会"),  # the compiler
        ("成都市发改委进一步加强政务公开工作。", "成都市发展和改革委员会"),  # the body
        ("配合成都市发改委推进政务公开。\n市发改委\n2024年1月20日", "成都市发展和改革委员会"),
        # another agency signs: not this unit, no guess
        ("成都市人民政府办公室\n2024年1月20日", None),
        # two places write the unit: no guess
        ("成都市发改委和绵阳市发改委联合开展培训。", None),
        # a generic place ("全市", "我市", "市") is no place
        ("全市发改委系统和我市发改委加强公开。", None),
    ],
)
def test_a_bare_short_form_takes_the_place_the_document_gives_it(tail: str, agency: str | None) -> None:
    assert _agency(BARE_TITLE, tail) == agency


@pytest.mark.parametrize(
    ("name", "full"),
    [
        ("上海市科委", "上海市科学技术委员会"),
        ("黄浦区人社局", "黄浦区人力资源和社会保障局"),
        ("某县府办", "某县人民政府办公室"),
        ("某县政府办", "某县人民政府办公室"),
        ("某县人民政府办公室", "某县人民政府办公室"),
        ("某街道城管局", "某街道城市管理局"),
        ("科委", "科学技术委员会"),
        ("政府办", "政府办"),  # names no agency
        ("某某科委", "某某科委"),  # not after a place
        ("上海市生态环境局", "上海市生态环境局"),
    ],
)
def test_short_forms_are_expanded_at_the_end_after_a_place(name: str, full: str) -> None:
    assert expand_abbreviation(name) == full


def test_every_short_form_is_shorter_than_its_full_name_or_the_name_itself() -> None:
    for short, full in ABBREVIATIONS.items():
        assert len(short) < len(full) or short == full, short


LISTED = [
    "上海市科学技术委员会",
    "上海市黄浦区人民政府",
    "上海市黄浦区人民政府办公室",
    "上海市黄浦区科学技术委员会",
    "甲县人民政府",
    "甲县人民政府办公室",
    "广州市海珠区官洲街道办事处",
    "甲县城关镇人民政府",
    "平潭综合实验区",
]


@pytest.mark.parametrize(
    ("found", "places", "matched"),
    [
        ("上海市科学技术委员会", [], "上海市科学技术委员会"),
        ("上海市科委", [], "上海市科学技术委员会"),
        ("上海市 黄浦区人民政府办公室", [], "上海市黄浦区人民政府办公室"),  # spaces ignored
        ("黄浦区科委", [], "上海市黄浦区科学技术委员会"),  # the place written out in the list
        ("黄浦区人民政府", [], "上海市黄浦区人民政府"),
        ("官洲街道办事处", [], None),  # no county-level place of its own: never completed
        ("城关镇人民政府", [], None),
        # containment is not a match ("甲县人民政府办公室" contains "甲县人民政府")
        ("县人民政府办公室", [], None),
        (None, ["2023年政府信息公开工作年度报告", "甲县人民政府办公室\n2024年1月2日"], "甲县人民政府办公室"),
        (None, ["上海市科委2023年政府信息公开工作年度报告"], "上海市科学技术委员会"),
        # two agencies written out: no guess
        (None, ["甲县人民政府办公室", "上海市科学技术委员会"], None),
        ("乙县人民政府", ["乙县人民政府"], None),
        # a name was found and is not listed: the list's names in the text are not looked for
        ("甲县人民政府信息中心", ["甲县人民政府信息中心\n2024年1月2日"], None),
        # a listed name that is only the start of the name written out is not a match
        (None, ["平潭综合实验区管委会办公室 2014年12月10日"], None),
        (None, ["上海市科学技术委员会2023年政府信息公开工作年度报告"], "上海市科学技术委员会"),
        (None, ["本报告由甲县人民政府办公室编制"], "甲县人民政府办公室"),
    ],
)
def test_match_against_a_list_of_agencies(found: str | None, places: list[str], matched: str | None) -> None:
    assert match_agency(found, LISTED, places) == matched


def test_agency_places_are_the_title_the_compiler_and_the_signature() -> None:
    prose = normalize_text(
        f"2023年政府信息公开工作年度报告\n本报告由甲县人民政府办公室编制。\n{BODY}\n甲县人民政府\n2024年1月2日"
    )
    places = agency_places(prose)
    assert places[0].startswith("2023年政府信息公开工作年度报告")
    assert places[1] == "本报告由甲县人民政府办公室编制"
    assert places[-1].endswith("甲县人民政府\n2024年1月2日")


def test_check_bytes_returns_the_listed_agency() -> None:
    text = f"上海市科委\n2023年政府信息公开工作年度报告\n{BODY}\n".encode()
    assert check_bytes(text, "report.txt").report.agency == "上海市科学技术委员会"
    listed = ["上海市人民政府", "上海市科学技术委员会 "]
    assert check_bytes(text, "report.txt", agencies=listed).report.agency == "上海市科学技术委员会 "
    text = f"2023年政府信息公开工作年度报告\n{BODY}\n".encode()
    assert check_bytes(text, "report.txt", agencies=listed).report.agency is None
