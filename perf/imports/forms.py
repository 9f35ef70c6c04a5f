"""The upload form (which kind of data, and the file) and the confirmation (dropping recorded indicators)."""

from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField

from perf.forms import ChineseForm


class UploadForm(ChineseForm):
    """Kind + file; the service checks both (so the page and the API refuse alike)."""

    kind = SelectField("数据类型", choices=[])
    file = FileField("文件")

    def offer(self, kinds: dict[str, str]) -> "UploadForm":
        """Offer the kinds the user may upload."""
        self.kind.choices = list(kinds.items())
        return self


class ApplyForm(ChineseForm):
    """确认导入; a file that drops indicators with recorded data needs the box ticked (the service checks)."""

    drop_recorded = BooleanField("确认删除上述指标及其已填报的数据")
