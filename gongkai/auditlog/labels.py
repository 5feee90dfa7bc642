"""Every audit action code (``entity.verb``, :func:`gongkai.core.audit.record_audit`) as a Chinese phrase.

A code written anywhere in the code base must be here: ``tests/auditlog/test_labels.py`` reads every
``record_audit(...)`` call and fails on a code with no label. Labels are ``N_`` message ids, rendered in
the reader's language (:func:`label`); an unknown code (an event recorded by an older version) shows as
itself.
"""

from __future__ import annotations

from gongkai.core.i18n import render
from gongkai.core.messages import N_

AUDIT_LABELS: dict[str, str] = {
    # The agency tree and its people.
    "agency.created": N_("新建机关"),
    "agency.changed": N_("修改机关信息"),
    "agency.report_column_changed": N_("修改年报栏目网址"),
    "agency.deleted": N_("删除机关"),
    "membership.added": N_("设置岗位"),
    "membership.changed": N_("变更岗位"),
    "membership.removed": N_("撤销岗位"),
    "user.created": N_("新建用户"),
    "staff.invited": N_("邀请新工作人员"),
    "staff.invitation_sent": N_("重新发送邀请邮件"),
    "staff.deactivated": N_("停用离职人员"),
    "staff.password_reset_sent": N_("发送重置密码链接"),
    # Logins and accounts (身份鉴别).
    "auth.login": N_("登录"),
    "auth.logout": N_("退出登录"),
    "auth.login_failed": N_("登录失败"),
    "auth.locked_out": N_("登录锁定"),
    "auth.unlocked": N_("解除登录锁定"),
    "account.password_changed": N_("修改密码"),
    "account.password_reset": N_("通过链接设置密码"),
    "account.password_reset_requested": N_("申请重置密码"),
    "account.password_check_failed": N_("再次输入的登录密码不正确"),
    "two_factor.totp_added": N_("添加身份验证器"),
    "two_factor.recovery_codes_generated": N_("生成恢复码"),
    "two_factor.device_removed": N_("移除双因素认证设备"),
    "two_factor.reset": N_("重置双因素认证"),
    "two_factor.verified": N_("通过双因素验证"),
    "two_factor.recovery_code_used": N_("使用恢复码登录"),
    "two_factor.failed": N_("双因素验证码错误"),
    "agency.signoff_changed": N_("修改签发设置"),
    # Applications (依申请公开).
    "application.viewed": N_("查看申请案件"),
    "application.registered": N_("登记申请"),
    "application.submitted_online": N_("网上提交申请"),
    "application.receipt_confirmed": N_("确认收到申请"),
    "application.correction_requested": N_("告知补正"),
    "application.correction_received": N_("收到补正"),
    "application.correction_lapsed": N_("逾期未补正，终止办理"),
    "application.consultation_started": N_("开始征求意见"),
    "application.consultation_ended": N_("征求意见结束"),
    "application.extension_granted": N_("批准延期答复"),
    "application.fee_notice_issued": N_("发出收费通知"),
    "application.fee_paid": N_("登记缴费"),
    "application.fee_lapsed": N_("逾期未缴费，终止办理"),
    "application.answered": N_("作出答复"),
    "application.withdrawn": N_("申请人撤回申请"),
    "application.reopened": N_("根据复议决定或判决重新办理"),
    "application.due_date_recomputed": N_("工作日历变更，重新计算期限"),
    "application.applicant_viewed": N_("查看申请人个人信息"),
    "application.cases_exported": N_("导出案件列表（含申请人姓名）"),
    "letter.downloaded": N_("下载文书"),
    "appeal.recorded": N_("登记行政复议或诉讼"),
    "appeal.concluded": N_("登记复议或诉讼审结结果"),
    # Sign-off by the head (D15), corrections (D18), the case file and delivery (D16).
    "application.approval_requested": N_("提交负责人审批"),
    "application.approval_granted": N_("负责人审批同意"),
    "application.approval_returned": N_("负责人退回修改"),
    "application.details_corrected": N_("更正申请信息"),
    "application.outcome_corrected": N_("更正答复"),
    "application.attachment_added": N_("上传案卷材料"),
    "application.attachment_downloaded": N_("下载案卷材料"),
    "application.attachment_removed": N_("移除案卷材料"),
    "application.case_file_exported": N_("导出案卷"),
    "application.letter_render_retried": N_("重新生成文书的 Word 文件"),
    # Personal data at rest (issue 12): the retention rule and key rotation.
    "application.personal_data_erased": N_("删除申请人个人信息（保存期限届满）"),
    "application.personal_data_rekeyed": N_("轮换密钥后重新加密个人信息"),
    "letter.delivery_recorded": N_("登记送达"),
    # Letters and the calendar.
    "letter_template.changed": N_("修改文书模板"),
    "letter_template.deleted": N_("删除文书模板"),
    "letter_settings.changed": N_("修改文书设置"),
    "letter_settings.deleted": N_("删除文书设置"),
    "calendar.year_loaded": N_("载入工作日历"),
    "calendar.year_deleted": N_("删除工作日历"),
    # Proactive disclosure (主动公开).
    "catalogue.item_created": N_("新建主动公开条目"),
    "catalogue.item_updated": N_("修改主动公开条目"),
    "catalogue.item_submit": N_("提交保密审查"),
    "catalogue.item_review_pass": N_("保密审查通过"),
    "catalogue.item_review_return": N_("保密审查退回"),
    "catalogue.item_approve": N_("领导审批通过"),
    "catalogue.item_approve_return": N_("领导审批退回"),
    "catalogue.item_publish_return": N_("发布前退回"),
    "catalogue.item_publish": N_("发布主动公开条目"),
    "catalogue.item_withdraw": N_("撤回已发布条目"),
    "catalogue.item_correction_started": N_("开始更正已发布条目"),
    "catalogue.item_corrected": N_("发布更正"),
    "catalogue.attachment_added": N_("添加附件"),
    "catalogue.attachment_removed": N_("删除附件"),
    "catalogue.attachment_read": N_("读取附件并完成隐私检查"),
    "catalogue.attachment_reread": N_("重新读取附件"),
    "catalogue.hit_masked": N_("遮盖敏感信息"),
    "catalogue.scan_overridden": N_("说明理由后发布含敏感信息的条目"),
    "catalogue.sensitive_word_added": N_("添加错敏词"),
    "catalogue.column_areas_set": N_("选择专栏的基层政务公开标准目录领域"),
    "catalogue.proposed_from_application": N_("依申请公开转主动公开：由申请案件生成目录草稿"),
    "catalogue.sensitive_word_changed": N_("修改错敏词"),
    "catalogue.sensitive_word_deleted": N_("删除错敏词"),
    "catalogue.index_pattern_added": N_("新建索引号规则"),
    "catalogue.index_pattern_changed": N_("修改索引号规则"),
    "catalogue.index_pattern_deleted": N_("删除索引号规则"),
    "catalogue.category_added": N_("新建主题分类"),
    "catalogue.category_changed": N_("修改主题分类"),
    "catalogue.category_deleted": N_("删除主题分类"),
    # Annual reports (年度报告).
    "annual.draft_opened": N_("新建年度报告草稿"),
    "annual.tables_refreshed": N_("按办理记录更新年报表格"),
    "annual.sections_saved": N_("保存年报正文"),
    "annual.hand_entry_set": N_("填写年报手工数据"),
    "annual.hand_entry_removed": N_("删除年报手工数据"),
    "annual.hand_entries_zero_filled": N_("手工数据空项填零"),
    "annual.previous_imported": N_("导入上年度数据"),
    "annual.checked": N_("检查年度报告"),
    "annual.warnings_acknowledged": N_("确认年报检查提示"),
    "annual.published": N_("发布年度报告"),
    "annual.returned": N_("负责人退回年度报告"),
    "annual.correction_started": N_("开始更正已发布的年度报告"),
    "annual.correction_discarded": N_("放弃年报更正稿"),
    "annual.change_note_set": N_("填写年报更正说明"),
    "annual.local_deadline_set": N_("设定乡镇街道年报公开期限"),
    "annual.supervision_imported": N_("批量导入年度报告"),
    "annual.supervision_import_assigned": N_("指定导入报告所属机关"),
    # The 政务公开办's monitoring of published reports (年报监测).
    "monitoring.run_started": N_("发起年报监测"),
    "monitoring.agency_checked": N_("监测机关年度报告"),
    # The checker and this log.
    "saved_check.created": N_("保存年报检查结果"),
    "saved_check.deleted": N_("删除保存的检查结果"),
    "audit.exported": N_("导出审计日志"),
    "audit.viewed": N_("审计管理员查看审计日志"),
    "audit.archived": N_("归档并删除超过保存期限的审计事件"),
    # Files, backup and restore (the system's own commands).
    "files.moved": N_("在数据库和对象存储之间移动文件"),
    "backup.created": N_("备份数据库和文件"),
    "backup.restored": N_("从备份恢复数据库和文件"),
    "superuser.request": N_("超级管理员操作"),
    "job.cancelled": N_("取消后台任务"),
    "job.retried": N_("重试后台任务"),
    "job.requeued": N_("工作进程中断，后台任务重新排队"),
    "job.interrupted": N_("工作进程多次中断，后台任务失败"),
}


def label(code: str) -> str:
    """The phrase for ``code`` in the reader's language; the code itself when it has none."""
    message_id = AUDIT_LABELS.get(code)
    return render(message_id) if message_id else code
