"""The owner's answer to a lag alert."""

from datetime import date

from wtforms import DateField, TextAreaField
from wtforms.validators import InputRequired, Length

from perf.forms import ChineseForm


class ChineseDateField(DateField):
    """A date typed as 2024-08-31 (or picked), with a Chinese message when it is not one."""

    def process_formdata(self, valuelist) -> None:
        text = (valuelist[0] if valuelist else "").strip().replace("/", "-")
        if not text:
            self.data = None
            return
        try:
            self.data = date.fromisoformat(text)
        except ValueError as error:
            self.data = None
            raise ValueError("请按 年-月-日 填写日期，如 2024-08-31") from error


class AnswerForm(ChineseForm):
    """滞后原因, 整改措施 and the date the project expects to be back on plan."""

    reason = TextAreaField("滞后原因", [InputRequired("请填写滞后原因"), Length(max=2000, message="最多 2000 个字")])
    measures = TextAreaField("整改措施", [InputRequired("请填写整改措施"), Length(max=2000, message="最多 2000 个字")])
    catch_up_on = ChineseDateField("预计追上进度日期", [InputRequired("请填写预计追上进度的日期")])
