"""The upload form: which kind of data, and the file."""

from flask_wtf.file import FileField
from wtforms import SelectField

from perf.forms import ChineseForm


class UploadForm(ChineseForm):
    """Kind + file; the service checks both (so the page and the API refuse alike)."""

    kind = SelectField("数据类型", choices=[])
    file = FileField("文件")

    def offer(self, kinds: dict[str, str]) -> "UploadForm":
        """Offer the kinds the user may upload."""
        self.kind.choices = list(kinds.items())
        return self
