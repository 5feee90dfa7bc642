"""The catalogue's jobs (:mod:`gongkai.jobs`): reading a file after its upload answered.

``catalogue.extract_attachment`` (params ``{"attachment": pk, "item": pk}``): extract the file's text in the
limited child process, keep it with what could not be checked, and scan the entry
(:mod:`gongkai.catalogue.services.reading`). One step per file: a job run again after a worker was
killed does not read a file already read, and a file deleted meanwhile is skipped.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongkai.catalogue.services import reading
from gongkai.jobs.registry import job_kind
from gongkai.jobs.runner import JobRun


@job_kind(reading.JOB_KIND, label=_("读取附件并检查隐私信息"))
def extract_attachment(run: JobRun) -> dict[str, object]:
    pk = int(str(run.params["attachment"]))
    item_pk = int(str(run.params["item"]))
    run.set_total(1)
    attachment = reading.unread_attachment(pk)
    stored = False
    if attachment is not None:
        run.message(_("正在读取附件“%(name)s”") % {"name": attachment.filename})
        extracted = reading.extract_attachment(attachment)  # up to 90 s: outside any transaction
        with run.step(f"attachment:{pk}") as step:
            if not step.done:
                stored = reading.store_reading(actor=run.actor, attachment=attachment, extracted=extracted)
    else:
        with run.step(f"attachment:{pk}"):
            pass  # deleted, or read by an earlier run
    findings = reading.scan_entry(item_pk)
    return {
        "read": stored,
        "findings": findings,
        "next_url": reverse("catalogue_manage:detail", kwargs={"pk": item_pk}),
    }
