"""The statutory clock of an application (答复期限), as one pure function of the case's facts.

Rules (``docs/decisions.md`` D2–D6, ``docs/law.md`` §1.5 and §6):

* **Receipt date** (收到申请之日, 条例 第三十一条, D2): in person — the day handed in; signed-for post —
  the day the agency signs for it; ordinary post — the day the agency confirms receipt with the applicant;
  online form — the day it is submitted (the system confirms at once); e-mail and fax — the day both
  sides confirm.
* **Due date** (第三十三条, D3): counting starts the day after the receipt date (民法典 第二百零一条);
  the answer is due on the 20th working day. An extension approved by the head of the OGI office on or
  before the original due date makes it the 40th; a late or unapproved extension has no effect and is
  flagged.
* **Correction** (补正, 第三十条, D4): the notice is due within 7 working days after the receipt date.
  While the applicant corrects, the answer clock stands still; when the corrected application arrives
  the clock restarts: 20 working days after that day.
* **Pauses** (第三十二、三十三、三十四条; 国办函〔2020〕109号; D5): working days strictly after a pause's
  start day up to and including its end day are not counted; a day inside several pauses is skipped
  once. A pause still running is counted up to today.
* **Reopening** (by a reconsideration decision or a court judgment): the clock restarts from the day
  the decision is received, 20 working days unless the decision fixes the due date.
* **States** (D6): "due soon" = 5 or fewer working days left; "overdue" = today is after the due date
  and no answer issued; an answer issued after the due date is "answered late".

Pure Python: no Django, no I/O. The calendar is passed in (:class:`gongkai.workdays.calendar.WorkCalendar`).

The package's modules, each along one seam: :mod:`.types` (the calendar protocol, channels, pauses,
states, the facts and the result, with their labels), :mod:`.receipt` (the receipt date),
:mod:`.correction`, :mod:`.pauses` (the intervals not counted and the due date that skips them),
:mod:`.due` (a fixed or extended due date), :mod:`.state` (the state of an open case today),
:mod:`.explain` (the words of the step-by-step explanation), :mod:`.computation` (``compute``,
the steps put together) and :mod:`.elapsed` (the working days an answered case took, for the
statistics). Import from the package: ``__all__`` below is its public API.
"""

from gongkai.applications.clock.computation import compute
from gongkai.applications.clock.elapsed import working_days_taken
from gongkai.applications.clock.explain import fmt
from gongkai.applications.clock.receipt import receipt_date
from gongkai.applications.clock.state import due_soon_before
from gongkai.applications.clock.types import (
    CHANNEL_LABELS,
    CHANNELS_NEEDING_CONFIRMATION,
    DUE_SOON_WORKING_DAYS,
    PAUSE_LABELS,
    STATE_LABELS,
    Calendar,
    Channel,
    Clock,
    ClockError,
    ClockFacts,
    ClockState,
    Extension,
    Pause,
    PauseKind,
)

__all__ = [
    "CHANNELS_NEEDING_CONFIRMATION",
    "CHANNEL_LABELS",
    "DUE_SOON_WORKING_DAYS",
    "PAUSE_LABELS",
    "STATE_LABELS",
    "Calendar",
    "Channel",
    "Clock",
    "ClockError",
    "ClockFacts",
    "ClockState",
    "Extension",
    "Pause",
    "PauseKind",
    "compute",
    "due_soon_before",
    "fmt",
    "receipt_date",
    "working_days_taken",
]
