"""The owner's answer to a lag alert."""

from wtforms import HiddenField, StringField, TextAreaField

from perf.forms import ChineseForm
from perf.versions import read_version


class AnswerForm(ChineseForm):
    """滞后原因, 整改措施 and the date the project expects to be back on plan.

    No validators: ``services.answer`` reads the date and checks the three fields together
    (the date after the alert's checkpoint too), so every problem is shown at once.
    """

    reason = TextAreaField("滞后原因")
    measures = TextAreaField("整改措施")
    catch_up_on = StringField("预计追上进度日期")
    #: The alert's version when the page was shown (an answer written against an older one is refused).
    lock_version = HiddenField()

    def typed(self) -> tuple[str, str, str]:
        """(滞后原因, 整改措施, the date as typed), as the service reads them."""
        return self.reason.data or "", self.measures.data or "", self.catch_up_on.data or ""

    @property
    def expected_version(self) -> int | None:
        return read_version(self.lock_version.data)
