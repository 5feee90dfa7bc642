"""Every write to annual reports, each in one transaction with its audit event.

The life of a report (agency × year):

1. :func:`open_draft` — version 1 with the tables computed from the records and prose drafts quoting the
   year's figures (the format the year requires: 2019 format for 2019–2020, 2021 format since);
2. :func:`refresh_tables`, :func:`save_sections`, :func:`set_hand_entry` / :func:`remove_hand_entry`;
3. :func:`check_draft` — the checker on the exported HTML (exactly what will be published), with last year's
   report (published in Gongkai, or imported from a file with :func:`import_previous`) for the cross-year
   rules, plus Gongkai's own rules (blank hand-entered cells, placeholders left in the prose, section 五
   copied from last year, a year not yet over);
4. :func:`acknowledge_warnings` — warnings must be acknowledged (recorded) before publishing;
5. :func:`publish` — refused while the check is missing, stale (the report changed since) or has errors;
   where the agency has its head approve the report (D15), only the head acknowledges and publishes
   (:mod:`.signoff`; :func:`return_draft` sends the draft back with a reason);
6. :func:`start_correction` — a published version is immutable; a correction is a new version whose
   change note is printed at its top and whose differences are shown on the public page.

One module per step family: :mod:`.drafts` (opening, refreshing the tables, the text), :mod:`.hand_entries`,
:mod:`.checking` (checking and acknowledging), :mod:`.publishing` (publishing and corrections),
:mod:`.previous` (last year's report imported from a file) and :mod:`.deadlines` (the townships' deadline);
the error, the row lock and the writer's right they share are in :mod:`.common`. The reads (last year's
report, the stored findings, whether a draft may be published, an agency's deadline) are
:mod:`gongkai.annual.selectors`.
"""

from gongkai.annual.services.checking import ExtraFinding, acknowledge_warnings, check_draft
from gongkai.annual.services.common import EDITABLE_SECTIONS, MAX_SECTION_CHARS, ReportError
from gongkai.annual.services.deadlines import set_local_deadline
from gongkai.annual.services.drafts import open_draft, refresh_tables, save_sections
from gongkai.annual.services.hand_entries import fill_blank_hand_entries, remove_hand_entry, set_hand_entry
from gongkai.annual.services.previous import import_previous, read_report_file
from gongkai.annual.services.publishing import discard_correction, publish, set_change_note, start_correction
from gongkai.annual.services.signoff import is_approver, needs_approval, return_draft

__all__ = [
    "EDITABLE_SECTIONS",
    "MAX_SECTION_CHARS",
    "ExtraFinding",
    "ReportError",
    "acknowledge_warnings",
    "check_draft",
    "discard_correction",
    "fill_blank_hand_entries",
    "import_previous",
    "is_approver",
    "needs_approval",
    "open_draft",
    "publish",
    "read_report_file",
    "refresh_tables",
    "remove_hand_entry",
    "return_draft",
    "save_sections",
    "set_change_note",
    "set_hand_entry",
    "set_local_deadline",
    "start_correction",
]
