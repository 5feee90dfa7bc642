"""The 政务公开办's roll-up (汇总) of the annual reports of the agencies it supervises.

For a supervisor's seat (the agency where the 政务公开办 sits) and a report year:

* :func:`status_rollup` — every agency of the seat's subtree (the seat included): its deadline and where
  the deadline comes from, whether its report is published and on time (``deadlines.timeliness``, by the
  date of the first publication: a later correction does not make a report late), its draft, versions,
  and the findings of the latest published version's stored check — or, for an agency whose report was
  not published in Gongkai, of the report imported from a file (status :data:`IMPORTED`: published
  elsewhere, on a date the file does not tell);
* :func:`summed_tables` — tables 三 and 四 added up cell by cell over the agencies whose tables are
  known (published in Gongkai, else imported and complete in the year's format), with the agencies left
  out and why.

Both run a fixed number of queries whatever the number of agencies (a city may supervise 2,000): the
agencies, the local deadlines, the reports and the imports are each read once, and the rows are put
together in Python. Nothing here writes.

:mod:`.status` holds the first, :mod:`.tables` the second, :mod:`.common` the reads both share.
"""

from gongkai.annual.rollup.common import visible_imports
from gongkai.annual.rollup.status import (
    IMPORTED,
    STATUSES,
    AgencyStatus,
    SetDeadline,
    StatusRollup,
    filter_rows,
    status_label,
    status_rollup,
)
from gongkai.annual.rollup.tables import Included, Missing, SummedTables, summed_tables

__all__ = [
    "IMPORTED",
    "STATUSES",
    "AgencyStatus",
    "Included",
    "Missing",
    "SetDeadline",
    "StatusRollup",
    "SummedTables",
    "filter_rows",
    "status_label",
    "status_rollup",
    "summed_tables",
    "visible_imports",
]
