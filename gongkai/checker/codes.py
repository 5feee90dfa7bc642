"""Every finding code the checker can report, with its default severity and what it means.

A finding is made only through :func:`finding`, which refuses a code that is not registered here, so
the list below is the complete vocabulary of the checker (the parser's ``parse.*`` / ``label.*`` codes
included). ``docs/checks.md`` documents each code; ``tests/checker/test_codes_doc.py`` keeps the two in
step.

Pure Python (no Django).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gongkai.core.messages import N_, Message
from gongkai.reports.findings import SEVERITIES, Finding, Severity


@dataclass(frozen=True)
class CodeInfo:
    code: str
    severity: Severity  # the default; a check may raise or lower it for one finding (documented)
    title: str  # short, in Chinese
    description: str  # one paragraph, in Chinese: what is checked and on what basis


_F30 = "国办公开办函〔2021〕30号"
_F60 = "国办公开办函〔2019〕60号"

_CODES: tuple[CodeInfo, ...] = (
    # --- kind and format -------------------------------------------------------------------------
    CodeInfo(
        "kind.not_a_report",
        "error",
        N_("不是政府信息公开工作年度报告"),
        N_(
            "文件不是政府信息公开工作年度报告（例如工作要点落实情况的函、工作总结范文、两个年度报告的对比材料、"
            "附有统计表的其他文件），不作任何其他检查，也不推测表格或数字；消息说明原因。"
            "依据：《条例》第四十九条、第五十条规定的年度报告。"
        ),
    ),
    CodeInfo(
        "kind.template",
        "error",
        N_("空白模板，不是年度报告"),
        N_(
            "文件有年度报告的统计表（表二、表三、表四），但所有单元格都是空白，没有任何数字：这是空白模板，"
            "不是年度报告。不作其他检查。年度报告须报告本机关本年度的统计数据（《条例》第五十条）。"
        ),
    ),
    CodeInfo(
        "format.legacy",
        "error",
        N_("采用2019年以前的旧式报告"),
        N_(
            "报告采用2007年《条例》第三十二条的旧式结构（概述、统计表等）。报告年度为2019年及以后的，"
            f"必须使用{_F60}（2019、2020年度）或{_F30}（2021年度起）规定的格式，记为错误；"
            "2019年以前年度的报告本就使用旧式结构，仅作提示（info），只核对统计期限。"
        ),
    ),
    CodeInfo(
        "format.mismatch",
        "error",
        N_("表格格式与报告年度不符"),
        N_(
            f"报告年度要求的格式与表格实际使用的格式不一致：2021年度起应使用{_F30}格式（本年制发件数、"
            f"本年废止件数、现行有效件数，本年收费金额），2019、2020年度应使用{_F60}格式（本年新制作数量、"
            "第二十条第（九）项政府集中采购等）。依据：两份通知及《条例》第五十条。"
        ),
    ),
    CodeInfo(
        "format.year_unknown",
        "warning",
        N_("未找到报告年度"),
        N_(
            "报告标题和正文中均未找到报告所属年度，无法判断应使用的格式，也无法核对统计期限和跨年度数据。"
            "年度报告应载明报告年度（《条例》第四十九条、第五十条）。"
        ),
    ),
    CodeInfo(
        "agency.unknown",
        "info",
        N_("未找到报告机关"),
        N_(
            "报告中未找到编制报告的行政机关名称（只写“我局”“我办”等）。年度报告由各行政机关就本机关工作编制"
            "（《条例》第四十九条），机关名称应在标题或正文中写明。"
        ),
    ),
    CodeInfo(
        "period.mismatch",
        "error",
        N_("统计期限不是报告年度的1月1日至12月31日"),
        N_(
            "正文声明的数据统计期限不是报告年度的1月1日至12月31日（例如2019年度报告写“自2018年1月1日起"
            "至2019年12月31日止”）。年度报告统计的是该年度的工作，统计期限为当年1月1日至12月31日"
            "（《条例》第四十九条；实践中各地均如此表述）。"
        ),
    ),
    # --- structure -------------------------------------------------------------------------------
    CodeInfo(
        "structure.section_missing",
        "error",
        N_("缺少报告部分"),
        N_(
            f"报告缺少规定的六个部分之一（一、总体情况……六、其他需要报告的事项）。依据：《条例》第五十条，"
            f"{_F30}/{_F60}格式，内容“不能遗漏”。"
        ),
    ),
    CodeInfo(
        "structure.section_order",
        "error",
        N_("报告各部分顺序错误"),
        N_(f"六个部分的标题未按一至六的顺序排列。依据：{_F30}/{_F60}规定的报告格式。"),
    ),
    CodeInfo(
        "structure.section_duplicated",
        "warning",
        N_("报告部分重复出现"),
        N_(
            "同一部分的标题在报告中出现了不止一次（例如标题重复粘贴），读者无法确定以哪一处为准。"
            f"依据：{_F30}/{_F60}规定的报告格式。"
        ),
    ),
    CodeInfo(
        "table.missing",
        "error",
        N_("缺少统计表"),
        N_(f"报告缺少第二、三或四部分的统计表。二、三、四部分须以{_F30}/{_F60}规定的表格报告。"),
    ),
    # --- cells -----------------------------------------------------------------------------------
    CodeInfo(
        "cell.not_number",
        "error",
        N_("应填数字处填写了文字"),
        N_(
            "表格中应填数字的单元格填写了文字（例如“采购项目数量”写成采购项目清单）。格式规定这些单元格为件数、"
            f"项目数或金额。依据：{_F30}/{_F60}表格。"
        ),
    ),
    CodeInfo(
        "cell.negative",
        "error",
        N_("数量为负数"),
        N_(f"件数、数量或金额为负数。只有{_F60}格式中“本年增/减”一列可以为负数（表示减少）。"),
    ),
    CodeInfo(
        "cell.fraction",
        "error",
        N_("件数带有小数"),
        N_(f"件数、项目数或决定数量带有小数。除金额外，表格中的数字都是整数。依据：{_F30}/{_F60}表格。"),
    ),
    CodeInfo(
        "cell.blank",
        "warning",
        N_("应填数字的单元格为空"),
        N_(
            "格式要求填写数字的单元格为空或填写“/”“—”等符号；没有发生的事项应填0。每行报告一次，列出该行"
            "所有空白的列；同一张表有3行或更多行空白的列完全相同时合为一条，列出这些行；整张表都为空时只报告一次。"
            "没有规章制定权的机关在“规章”行填0或“/”是常见做法，因此“规章”行的空白只作提示（info）。"
        ),
    ),
    CodeInfo(
        "fee.decimals",
        "warning",
        N_("收费金额小数位数过多"),
        N_(
            f"“本年收费金额（单位：万元）”的小数位数超过4位（例如24252.311082）。金额以万元计，保留4位小数"
            f"即精确到元（决定 D9；{_F30}表二第二十条第（八）项）。"
        ),
    ),
    # --- identities (勾稽关系); codes defined in gongkai.reports.model ------------------------------
    CodeInfo(
        "section3.row_total",
        "error",
        N_("表三行总计与各类申请人之和不符"),
        N_(
            "表三某一行的“总计”列不等于自然人与商业企业、科研机构、社会公益组织、法律服务机构、其他五类法人或"
            "其他组织之和。各类申请人是穷尽的，总计必须等于其和（表头结构推导的勾稽关系）。3行或更多行的“总计”"
            "空白而该行有数字时合为一条，列出这些行。"
        ),
    ),
    CodeInfo(
        "section3.results_total",
        "error",
        N_("表三（七）总计与各项办理结果之和不符"),
        N_(
            "表三某一列“三、本年度办理结果（七）总计”不等于（一）至（六）各项办理结果之和。办理结果各行是穷尽且"
            f"互斥的（部分公开只计（二）），总计必须等于其和。依据：{_F30}/{_F60}表三行结构。"
        ),
    ),
    CodeInfo(
        "section3.balance",
        "error",
        N_("表三不满足“第一项加第二项等于第三项加第四项”"),
        N_(
            "表三某一列“一、本年新收”加“二、上年结转”不等于“三、本年度办理结果（七）总计”加“四、结转下年度继续"
            "办理”。这是格式表头印明的勾稽关系（“本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项"
            f"之和”），{_F30}/{_F60}。错误显示在第四项单元格；只改第四项就要填负数时不给出应为的数，"
            "而是请核对各项（件数不能为负）。"
        ),
    ),
    CodeInfo(
        "section4.group_total",
        "error",
        N_("表四总计与各项结果之和不符"),
        N_(
            "表四行政复议、未经复议直接起诉、复议后起诉三组中，某组“总计”不等于结果维持、结果纠正、其他结果、"
            f"尚未审结之和。依据：{_F30}/{_F60}表四结构。"
        ),
    ),
    # --- section 六 --------------------------------------------------------------------------------
    CodeInfo(
        "section6.fee_statement_missing",
        "error",
        N_("第六部分未说明信息处理费收取情况"),
        N_(
            f"{_F30}要求第六部分报告依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）收取信息"
            "处理费的情况（发出收费通知的件数和总金额、实际收取的总金额）；没有收费的也应写明（如“未收取信息"
            "处理费”）。第六部分中没有任何关于信息处理费或收费通知的表述时报告本错误。"
        ),
    ),
    # --- prose ------------------------------------------------------------------------------------
    CodeInfo(
        "prose.table_mismatch",
        "error",
        N_("正文数字与表格不一致"),
        N_(
            "正文明确写出的数字与表格中对应单元格不一致，例如“受理政府信息公开申请17件”与表三“一、本年新收"
            "政府信息公开申请数量”总计（“收到”“受理”的件数等于第一项加第二项的也算一致）、“办结/答复申请N件”与"
            "“（七）总计”、“N件结转下年度”与“四、结转下年度继续办理”、“上年结转N件”与“二、上年结转”、行政复议和"
            "行政诉讼件数与表四、“现行有效行政规范性文件393件”与表二“现行有效件数”。只核对有明确句式、"
            f"能确定对应单元格的数字。依据：{_F30}“内容不准确”须问责的要求；报告前后应一致。"
        ),
    ),
    CodeInfo(
        "prose.sum_mismatch",
        "error",
        N_("正文分项之和与总数不符"),
        N_(
            "正文写出总数并用“其中”逐项列举分类数字时，各分项之和与总数不符（例如共公布政府信息2599条，"
            "各类信息之和为2533条）。只核对以“其他…”收尾的完整列举（或分项之和超过总数的情形）。"
        ),
    ),
    CodeInfo(
        "prose.numbering",
        "warning",
        N_("列举序号错乱"),
        N_(
            "同一部分中“一是、二是、三是”或“第一，第二，”等列举序号不连续或重复（例如“一是…；三是…；三是…”）。"
            "报告应表述准确、规范。"
        ),
    ),
    CodeInfo(
        "prose.duplicate_clause",
        "warning",
        N_("语句重复"),
        N_(
            "同一段文字（12个字符以上）紧接着重复出现两次，通常是复制粘贴错误（例如“聚焦新中国成立70周年平潭"
            "专场新闻发布会”连续出现两次）。"
        ),
    ),
    CodeInfo(
        "label.nonstandard",
        "info",
        N_("行标签与官方表述不一致"),
        N_(
            f"表格行标签与{_F30}/{_F60}的官方表述不一致（例如“只记这一情形”应为“只计这一情形”，"
            "“过程性性信息”应为“过程性信息”）。比较时忽略空白、全角半角标点和引号。有错别字的表三行标签"
            "（如“其他法律行政止公开”）按相似度和所在位置对应到官方行，保留该行数据，只报告本条。"
        ),
    ),
    # --- cross-year -------------------------------------------------------------------------------
    CodeInfo(
        "crossyear.carry_over",
        "error",
        N_("上年结转与上年度报告结转下年度不符"),
        N_(
            "本年度表三“二、上年结转政府信息公开申请数量”与上一年度报告“四、结转下年度继续办理”不相等（逐列核对）。"
            "上年未办结的申请即本年的上年结转（"
            f"{_F30}/{_F60}表三“二、上年结转”与“四、结转下年度继续办理”两行；"
            "格式未印明这一关系，是实践中的核对方法，决定 D7）。"
        ),
    ),
    CodeInfo(
        "crossyear.in_force",
        "warning",
        N_("现行有效件数与上年度不衔接"),
        N_(
            f"{_F30}格式下，本年度“现行有效件数”不等于上一年度“现行有效件数”加本年“本年制发件数”减“本年废止件数”"
            "（规章、行政规范性文件分别核对）。这是实践中的核对方法（"
            f"{_F30}表二第二十条第（一）项的三列；格式未印明这一关系），"
            "文件清理、统计口径调整也会打破它，因此只作警告。"
        ),
    ),
    CodeInfo(
        "crossyear.year_gap",
        "warning",
        N_("上年度报告年份不衔接"),
        N_("用于跨年度核对的上一年度报告不是本报告年度的前一年（或年度不明），跨年度核对未进行。"),
    ),
    CodeInfo(
        "crossyear.format_change",
        "info",
        N_("上年度报告使用旧格式"),
        N_(
            f"上一年度报告使用{_F60}格式，本年度使用{_F30}格式；“对外公开总数量”与“现行有效件数”含义不同，"
            "不核对现行有效件数的衔接（"
            f"两份通知表二第二十条第（一）项的列不同；决定 D9）。"
        ),
    ),
    # --- parser -----------------------------------------------------------------------------------
    CodeInfo(
        "table.extra_row",
        "warning",
        N_("表格中有官方格式没有的行"),
        N_(
            f"表格中出现了{_F30}/{_F60}格式没有的行（例如表二第二十条第（一）项下自行增加的“其他主动公开文件”）。"
            "年度报告格式是全国统一的，不应增删行；需要说明的内容写在正文中。"
        ),
    ),
    CodeInfo(
        "table.column_order",
        "warning",
        N_("表格的列顺序与官方格式不一致"),
        N_(
            f"表三的“总计”列排在“自然人”列之前（{_F30}/{_F60}格式中“总计”为最后一列）。表头和各行的勾稽关系"
            "都表明这一顺序时，按表头读取各列并提示；年度报告格式是全国统一的，不应调整列的顺序。"
        ),
    ),
    CodeInfo(
        "document.truncated",
        "warning",
        N_("报告文本不完整"),
        N_(
            "文本在某一行、表格或部分之后中断（网页截取不全、复制不完整等），其后的内容都没有；只检查已有的内容。"
            "中断处之后缺少的部分不再逐一报告为缺少，请提供完整的报告再检查。只有标题和前言、或只有前几部分的"
            "副本仍是年度报告，应采用的格式按其年度确定。"
        ),
    ),
    CodeInfo(
        "parse.ambiguous_split",
        "warning",
        N_("连在一起的数字拆分不唯一"),
        N_(
            "表格各单元格的数字连在一起（网页文字提取时丢失了分隔），按表格勾稽关系和合理性拆分，但拆法不唯一；"
            "所取的拆法应人工核对。"
        ),
    ),
    CodeInfo(
        "parse.unsplittable",
        "error",
        N_("连在一起的数字无法拆分"),
        N_(
            "表格各单元格的数字连在一起，找不到任何一种拆法能同时符合该行的列数和表格勾稽关系，该行数字无法读出；"
            "原表很可能有算术错误。"
        ),
    ),
    CodeInfo(
        "parse.extra_cells",
        "warning",
        N_("表格行数字多于列数"),
        N_("表格某行读到的数字多于该行应有的列数，多出的数字未使用。"),
    ),
    CodeInfo(
        "parse.missing_cells",
        "error",
        N_("表格行数字少于列数"),
        N_("表格某行读到的单元格少于该行应有的列数，缺少的单元格无法确定。"),
    ),
    CodeInfo(
        "parse.row_not_found",
        "error",
        N_("表格缺少官方规定的行"),
        N_(f"表格中找不到{_F30}/{_F60}规定的某一行（可能被删除、合并或标签改写得无法辨认）。"),
    ),
    CodeInfo(
        "parse.table_not_found",
        "error",
        N_("找不到统计表"),
        N_("报告中有对应的部分，但读不出其中的统计表（表格为图片、格式损坏或缺失）。"),
    ),
    # --- scanned files (OCR) ----------------------------------------------------------------------
    CodeInfo(
        "ocr.unsure_digits",
        "warning",
        N_("扫描件中识别把握不大的数字"),
        N_(
            "报告是扫描件（PDF 中的页面是图片），表格由文字识别（OCR，Tesseract）读出；某个单元格中的数字识别"
            "置信度低于 80（满分 100），可能读错。数字按识别结果保留，不作猜测，请对照原件核对；"
            "其余检查（勾稽关系等）按识别结果进行。"
        ),
    ),
)

#: Every registered code.
CODES: dict[str, CodeInfo] = {c.code: c for c in _CODES}

assert len(CODES) == len(_CODES), "duplicate finding code"
assert all(c.severity in SEVERITIES for c in _CODES)


class UnknownFindingCode(KeyError):
    """A finding was made with a code that is not in :data:`CODES`."""


def finding(
    code: str,
    message: Message | str,
    *,
    severity: Severity | None = None,
    section: str | None = None,
    table: str | None = None,
    row: str | None = None,
    column: str | None = None,
    expected: Any = None,
    found: Any = None,
) -> Finding:
    """Make a :class:`Finding` with a registered code; the severity defaults to the code's.

    ``message`` is a :class:`Message` whose template is ``N_``-marked (so that it is rendered in the reader's
    language); a plain string is kept as Chinese-only text, as findings stored before templates were."""
    info = CODES.get(code)
    if info is None:
        raise UnknownFindingCode(f"unknown finding code {code!r}: register it in gongkai.checker.codes")
    if severity is not None and severity not in SEVERITIES:
        raise ValueError(f"unknown severity {severity!r}")
    return Finding(
        code=code,
        severity=severity or info.severity,
        message=str(message),
        section=section,
        table=table,
        row=row,
        column=column,
        expected=expected,
        found=found,
        template=message.template if isinstance(message, Message) else None,
        params=dict(message.params) if isinstance(message, Message) else {},
    )
