"""The 绩效目标表 form: header, one percent per checkpoint and any number of indicator rows."""

from decimal import Decimal, InvalidOperation

from flask_wtf import FlaskForm
from wtforms import Form, FormField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields import FieldList
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

from perf.numbers import FULL_WIDTH, fmt2, plain
from perf.projects.services import IndicatorData, ProjectData, ProjectRuleError
from perf.projects.taxonomy import taxonomy


class NumberField(StringField):
    """A decimal typed as people type it (全角数字, 千分位, a trailing %), kept exact."""

    def __init__(self, label=None, validators=None, places: int = 2, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.places = places
        self.number: Decimal | None = None

    def _value(self) -> str:
        return self.data or ""

    def post_validate(self, form, validation_stopped: bool) -> None:
        """Parse after the field's own validators ran; report a clear Chinese message."""
        if validation_stopped or not (self.data or "").strip():
            return
        text = self.data.strip().translate(FULL_WIDTH).replace(",", "").removesuffix("%")
        try:
            number = Decimal(text)
        except InvalidOperation:
            self.errors.append("请输入数字")
            return
        if not number.is_finite() or number.as_tuple().exponent < -self.places:
            self.errors.append(f"最多 {self.places} 位小数")
        elif number < 0:
            self.errors.append("不能为负数")
        else:
            self.number = number



class IndicatorForm(Form):
    """One indicator row."""

    level1 = SelectField("一级指标", validate_choice=False)
    level2 = SelectField("二级指标", validate_choice=False)
    name = StringField("三级指标", [InputRequired("请填写三级指标"), Length(max=200, message="最多 200 个字")])
    description = StringField("绩效指标描述", [Optional(), Length(max=1000, message="最多 1000 个字")])
    value = StringField("指标值", [InputRequired("请填写指标值"), Length(max=200, message="最多 200 个字")])
    basis = StringField("指标值确定依据", [Optional(), Length(max=1000, message="最多 1000 个字")])


class ProjectForm(FlaskForm):
    """Create or edit a project's 绩效目标表."""

    code = StringField(
        "项目编码",
        [
            InputRequired("请填写项目编码"),
            Length(max=40, message="最多 40 个字符"),
            Regexp(r"^[A-Za-z0-9]+$", message="项目编码只能由字母和数字组成"),
        ],
    )
    name = StringField("项目名称", [InputRequired("请填写项目名称"), Length(max=200, message="最多 200 个字")])
    unit_id = SelectField("实施单位", coerce=int, validate_choice=False)
    total = NumberField("预算数（万元）", [InputRequired("请填写预算数")])
    fiscal = NumberField("其中：财政资金（万元）", [InputRequired("请填写财政资金")])
    other = NumberField("其他资金（万元）", [Optional()])
    purpose = TextAreaField("资金用途", [Optional(), Length(max=5000, message="最多 5000 个字")])
    plan = FieldList(NumberField("累计支出进度（%）", [InputRequired("请填写计划支出进度")]))
    goal = TextAreaField("绩效目标", [Optional(), Length(max=5000, message="最多 5000 个字")])
    indicators = FieldList(FormField(IndicatorForm))
    lock_version = HiddenField()

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

    def validate_indicators(self, field) -> None:
        """Each 二级 must belong to its 一级 under the year's scheme; at least one row."""
        if not field.entries:
            raise ValidationError("请至少填写一行绩效指标")
        tree = taxonomy(self.scheme)
        wrong = 0
        for row in field.entries:
            level1, level2 = row.form.level1.data, row.form.level2.data
            if level1 not in tree:
                row.form.level1.errors.append("请选择一级指标")
            elif level2 not in tree[level1]:
                row.form.level2.errors.append(f"“{level2 or '（空）'}”不属于{level1}")
            else:
                continue
            wrong += 1
        if wrong:
            raise ValidationError(f"有 {wrong} 行的一级/二级指标不匹配")

    def validate_plan(self, field) -> None:
        """One percent per checkpoint."""
        if len(field.entries) != len(self.checkpoints):
            raise ValidationError(f"资金支出计划应有 {len(self.checkpoints)} 个节点")

    @property
    def expected_version(self) -> int | None:
        """The lock version the editor started from."""
        data = (self.lock_version.data or "").strip()
        return int(data) if data.isdigit() else None

    def to_data(self) -> ProjectData:
        """The service's form of what was typed (call after validation)."""
        return ProjectData(
            code=self.code.data.strip(),
            name=self.name.data.strip(),
            total=self.total.number,
            fiscal=self.fiscal.number,
            other=self.other.number or Decimal(0),
            purpose=(self.purpose.data or "").strip(),
            goal=(self.goal.data or "").strip(),
            plan=[entry.number for entry in self.plan],
            indicators=[
                IndicatorData(
                    level1=row.form.level1.data,
                    level2=row.form.level2.data,
                    name=row.form.name.data.strip(),
                    value=row.form.value.data.strip(),
                    description=(row.form.description.data or "").strip(),
                    basis=(row.form.basis.data or "").strip(),
                )
                for row in self.indicators
            ],
        )

    def show_rule_error(self, error: ProjectRuleError) -> list[str]:
        """Put a service's messages at their fields; return those that belong to no field."""
        unplaced = list(error.messages)
        for name, messages in error.fields.items():
            field = self._field_named(name)
            if field is None:
                continue
            field.errors = [*field.errors, *messages]
            unplaced = [m for m in unplaced if m not in messages]
        return unplaced

    def _field_named(self, name: str):
        """``total`` or ``plan-1``."""
        if name.startswith("plan-"):
            index = int(name.removeprefix("plan-"))
            return self.plan.entries[index] if index < len(self.plan.entries) else None
        if name.startswith("indicators-"):
            _, index, field = name.split("-", 2)
            entries = self.indicators.entries
            return entries[int(index)].form._fields.get(field) if int(index) < len(entries) else None
        return getattr(self, name, None)

    def fill_from(self, project) -> None:
        """Pre-fill from an existing project (editing it, or copying last year's)."""
        self.code.data, self.name.data = project.code, project.name
        self.unit_id.data = project.unit_id
        self.total.data, self.fiscal.data, self.other.data = map(fmt2, (project.total, project.fiscal, project.other))
        self.purpose.data, self.goal.data = project.purpose, project.goal
        self.lock_version.data = str(project.lock_version)
        while self.plan.entries:
            self.plan.pop_entry()
        for entry in project.plan:
            self.plan.append_entry(plain(entry.cumulative_pct))
        while self.indicators.entries:
            self.indicators.pop_entry()
        for ind in project.indicators:
            self.indicators.append_entry(
                {
                    "level1": ind.level1,
                    "level2": ind.level2,
                    "name": ind.name,
                    "description": ind.description,
                    "value": ind.value_text,
                    "basis": ind.basis,
                }
            )
        self._label_and_choose()
