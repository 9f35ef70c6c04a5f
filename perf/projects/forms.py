"""The 绩效目标表 form: its inputs follow the one table schema; what is typed is read only by that schema.

The header inputs and each indicator row's inputs are made from the fields ``TargetTableSchema``
and ``IndicatorRowSchema`` declare (label, widget), so the form never lists a field of its own.
The form carries what was typed to the service (``table``), and shows the service's RuleError at
the inputs its paths name; nothing typed is lost.
"""

from wtforms import Form, FormField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields import FieldList

from perf.errors import RuleError, show_on_form
from perf.forms import ChineseForm, ascii_int
from perf.numbers import plain
from perf.projects.schemas import IndicatorRowSchema, TargetTableSchema, entered
from perf.projects.taxonomy import taxonomy
from perf.versions import read_version

HEADER = [key for key, _, _ in entered(TargetTableSchema)]
ROW = [key for key, _, _ in entered(IndicatorRowSchema)]
#: Where the schema's paths land on this form.
ALIASES = {"spend_plan": "plan"}
WIDGETS = {"input": StringField, "textarea": TextAreaField}


def _inputs(schema) -> dict:
    """One WTForms input per entered field of ``schema``, labelled as the field declares."""
    inputs = {}
    for name, field in schema().load_fields.items():
        if "label" not in field.metadata or field.load_only:
            continue
        label = field.metadata.get("form_label", field.metadata["label"])
        widget = field.metadata.get("widget", "input")
        key = field.data_key or name
        inputs[key] = SelectField(label, validate_choice=False) if widget == "select" else WIDGETS[widget](label)
    return inputs


#: One indicator row of the form.
IndicatorForm = type("IndicatorForm", (Form,), _inputs(IndicatorRowSchema))


class ProjectForm(ChineseForm):
    """Create or edit a project's 绩效目标表 (the header inputs are added from the schema below)."""

    unit_id = SelectField("实施单位", coerce=ascii_int, invalid_choice_message="请选择实施单位（本人负责的单位之一）")
    plan = FieldList(StringField("累计支出进度（%）"))
    indicators = FieldList(FormField(IndicatorForm))
    lock_version = HiddenField()
    #: Summaries shown in the refused form's banner, not counted as problems of their own.
    notes: list[str]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.notes = []

    def configure(self, scheme: str, checkpoints, units) -> None:
        """Set the choices for the year's scheme and units, and one plan box per checkpoint."""
        self.scheme = scheme
        self.checkpoints = list(checkpoints)
        self.unit_id.choices = [(u.id, u.name) for u in units]
        while len(self.plan) < len(self.checkpoints):
            self.plan.append_entry()
        self._label_and_choose()

    def _label_and_choose(self) -> None:
        """Checkpoint labels on the plan boxes, taxonomy choices on every row (also rows added later)."""
        tree = taxonomy(self.scheme)
        level2 = [(name, name) for names in tree.values() for name in names]
        for row in self.indicators:
            row.level1.choices = [(name, name) for name in tree]
            row.level2.choices = level2
        for entry, checkpoint in zip(self.plan, self.checkpoints, strict=False):
            entry.label.text = checkpoint.label

    @property
    def expected_version(self) -> int | None:
        """The lock version the editor started from."""
        return read_version(self.lock_version.data)

    def table(self) -> dict:
        """What was typed, as the table schema reads it."""
        return {
            **{key: self[key].data or "" for key in HEADER},
            "spend_plan": [entry.data or "" for entry in self.plan],
            "indicators": [{key: row.form[key].data or "" for key in ROW} for row in self.indicators],
        }

    def show_rule_error(self, error: RuleError) -> None:
        """Put the service's messages at their inputs; count the rows whose 一级/二级 do not match."""
        show_on_form(self, error, ALIASES)
        wrong = sum(
            1
            for index in range(len(self.indicators))
            if f"indicators.{index}.level1" in error.errors or f"indicators.{index}.level2" in error.errors
        )
        if wrong:
            self.notes.append(f"有 {wrong} 行的一级/二级指标不匹配")

    def fill_from(self, project) -> None:
        """Pre-fill from an existing project (editing it, or copying last year's)."""
        shown = TargetTableSchema(only=(*HEADER, "indicators")).dump(project)
        for key in HEADER:
            self[key].data = shown[key]
        self.unit_id.data = project.unit_id
        self.lock_version.data = str(project.lock_version)
        while self.plan.entries:
            self.plan.pop_entry()
        for entry in project.plan:
            self.plan.append_entry(plain(entry.cumulative_pct))
        while self.indicators.entries:
            self.indicators.pop_entry()
        for row in shown["indicators"]:
            self.indicators.append_entry(row)
        self._label_and_choose()


for _key, _input in _inputs(TargetTableSchema).items():
    setattr(ProjectForm, _key, _input)
