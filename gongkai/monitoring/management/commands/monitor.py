"""``gongkai monitor SITES.csv --year 2025 [--json] [--seat CODE]``: the monitoring on the command line.

SITES.csv has the columns ``agency,url`` (a header line with these names, or 机关,网址, is skipped; UTF-8
with or without BOM, or GBK). Each agency's column is fetched politely, the year's report found, downloaded
and checked, exactly as the monitoring job does. One line per agency, or with ``--json`` a JSON array of
objects ``agency``, ``status`` (``found``, ``not_found``, ``unreachable``), ``report_url``, ``published_on``
(ISO date or null), ``errors``, ``warnings`` (numbers of findings, null when no report was checked).

Works standalone, without a database: nothing is stored. With ``--seat CODE`` (a 政务公开办's agency on this
site) the agencies of its subtree named in the file (by name or 统一社会信用代码) are stored as one
monitoring run, as if started from its page; the others are monitored and reported, just not stored.

Exit status (like ``gongkai check``): 0 when every report was found and has no error finding; 1 when a
report was not found, has error findings, or could not be read by the checker; 2 when a site was
unreachable or the file could not be read (2 wins over 1).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from argparse import ArgumentParser
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.agencies.models import Agency
from gongkai.checker.result import severity_counts
from gongkai.core.messages import N_
from gongkai.monitoring import engine, presenters, services

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_UNREACHABLE = 2

HELP = N_("年报监测：访问 SITES.csv 中各机关的年报栏目，查找、下载并检查该年度的年度报告。")

_HEADERS = ({"agency", "url"}, {"机关", "网址"})


@dataclass(frozen=True)
class Site:
    agency: str
    url: str


def read_sites(data: bytes) -> list[Site]:
    """The sites of a SITES.csv (UTF-8 or GBK); raises ``ValueError`` with a Chinese message."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any bytes
        raise ValueError(_("无法识别文件的编码，请保存为 UTF-8 或 GBK。"))
    sites: list[Site] = []
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if number == 1 and {c.lower() for c in cells[:2]} in _HEADERS:
            continue
        if len(cells) < 2 or not cells[0] or not cells[1]:
            raise ValueError(
                _("第%(line)d行应有两列：机关名称（或统一社会信用代码）和年报栏目网址。") % {"line": number}
            )
        sites.append(Site(cells[0], cells[1]))
    if not sites:
        raise ValueError(_("文件中没有机关：每行写一个机关和它的年报栏目网址（agency,url）。"))
    return sites


class Command(BaseCommand):
    help = HELP
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "sites", metavar="SITES.csv", help=_("两列：agency（机关名称或统一社会信用代码）,url")
        )
        parser.add_argument("--year", type=int, required=True, help=_("报告年度，例如 2025"))
        parser.add_argument("--json", action="store_true", help=_("以 JSON 数组输出，每个机关一个对象"))
        parser.add_argument(
            "--seat",
            metavar="CODE",
            help=_("政务公开办所在机关的简称代码：其下级机关的结果存入本站（作为一次监测）"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            sites = read_sites(Path(options["sites"]).read_bytes())
        except OSError as exc:
            self.stderr.write(
                _("无法读取 %(path)s：%(reason)s") % {"path": options["sites"], "reason": exc.strerror}
            )
            sys.exit(EXIT_UNREACHABLE)
        except ValueError as exc:
            self.stderr.write(f"{options['sites']}：{exc}")
            sys.exit(EXIT_UNREACHABLE)
        year: int = options["year"]
        store = _Store(options["seat"], year) if options["seat"] else None
        fetcher = services.make_fetcher()
        objects: list[dict[str, Any]] = []
        status = EXIT_OK
        for site in sites:
            result = engine.monitor_column(fetcher, site.url, year)
            checked = services.check_report(result)
            if store is not None:
                store.save(site, result, checked)
            item = _as_json(site, result, checked)
            objects.append(item)
            status = max(status, _exit_for(item, checked))
            if not options["json"]:
                self.stdout.write(_line(item, result))
        if store is not None:
            store.finish()
        if options["json"]:
            self.stdout.write(json.dumps(objects, ensure_ascii=False, indent=2))
        if status != EXIT_OK:
            sys.exit(status)


def _as_json(site: Site, result: engine.SiteResult, checked: dict[str, Any] | None) -> dict[str, Any]:
    readable = checked is not None and "unreadable" not in checked
    counts = severity_counts(checked) if readable and checked is not None else None
    return {
        "agency": site.agency,
        "url": site.url,
        "status": result.status,
        "report_url": result.report_url or None,
        "published_on": result.published_on.isoformat() if result.published_on else None,
        "errors": counts["error"] if counts else None,
        "warnings": counts["warning"] if counts else None,
        "error": result.error or None,
        "unreadable": checked.get("unreadable") if checked is not None and not readable else None,
    }


def _exit_for(item: dict[str, Any], checked: dict[str, Any] | None) -> int:
    if item["status"] == engine.UNREACHABLE:
        return EXIT_UNREACHABLE
    if item["status"] == engine.NOT_FOUND or item["unreadable"] or item["errors"]:
        return EXIT_PROBLEMS
    return EXIT_OK


def _line(item: dict[str, Any], result: engine.SiteResult) -> str:
    status = presenters.status_text(result.status)
    parts = [f"{item['agency']}：{status}"]
    if result.status == engine.UNREACHABLE:
        parts.append(presenters.error_label(result.error))
    if item["report_url"]:
        parts.append(item["report_url"])
    if item["published_on"]:
        parts.append(_("网站显示 %(date)s") % {"date": item["published_on"]})
    if item["unreadable"]:
        parts.append(_("无法读取：%(reason)s") % {"reason": item["unreadable"]})
    elif item["errors"] is not None:
        parts.append(
            _("错误 %(errors)d 个，警告 %(warnings)d 个")
            % {"errors": item["errors"], "warnings": item["warnings"]}
        )
    return "；".join(parts)


class _Store:
    """Stores the results of the seat's agencies as one monitoring run (``--seat``)."""

    def __init__(self, code: str, year: int) -> None:
        seat = Agency.objects.filter(short_code=code).first()
        if seat is None:
            raise CommandError(_("没有简称代码为 %(code)s 的机关。") % {"code": code})
        self.seat = seat
        self.agencies = list(Agency.objects.subtree_of(seat))
        self.stored: set[int] = set()
        self.run = services.create_run(
            actor=None, seat=seat, year=year, today=timezone.localdate(), system=True
        )

    def match(self, name: str) -> Agency | None:
        key = "".join(name.split())
        found = [
            a for a in self.agencies if "".join(a.name.split()) == key or (a.uscc and a.uscc == key.upper())
        ]
        return found[0] if len(found) == 1 else None

    def save(self, site: Site, result: engine.SiteResult, checked: dict[str, Any] | None) -> None:
        agency = self.match(site.agency)
        if agency is not None and agency.pk not in self.stored:
            self.stored.add(agency.pk)
            services.store_outcome(run=self.run, agency=agency, site=result, checked=checked)

    def finish(self) -> None:
        services.finish_run(self.run)
