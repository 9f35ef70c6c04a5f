"""Sign-in, user and password forms, labelled and answering in Chinese.

Field names match the service arguments, so a RuleError's messages land on the field of the
same name (``perf.errors.show_on_form``).
"""

from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from perf.auth import queries
from perf.auth.models import ROLE_LABELS, ROLES, User
from perf.forms import ChineseForm, ascii_int
from perf.versions import read_version


def _optional_int(value) -> int | None:
    """'' or None -> None, else int (ValueError on anything else)."""
    if value in ("", None):
        return None
    return ascii_int(value)


#: What a new password must be (perf.auth.passwords.password_problems).
PASSWORD_HINT = "至少 8 个字符，含字母、数字、符号中的至少两类，不能是常见密码"


class MultiCheckboxField(SelectMultipleField):
    """A multi-select rendered as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LoginForm(ChineseForm):
    """User name and password."""

    username = StringField("用户名", [InputRequired("请输入用户名")])
    password = PasswordField("密码", [InputRequired("请输入密码")])
    next = HiddenField()


class NoticeFields:
    """How a user is reached: on the admin's user form and on one's own account page."""

    email = StringField(
        "电子邮箱",
        description="提醒和审核消息发送到此邮箱；留空则只在系统内接收消息",
    )
    notify_email = BooleanField("通过电子邮件接收消息", default=True)
    digest = BooleanField("每天汇总发送一封邮件（代替每条消息一封）")

    def notice_fields(self) -> dict:
        return {
            "email": (self.email.data or "").strip(),
            "notify_email": bool(self.notify_email.data),
            "digest": bool(self.digest.data),
        }


class NoticeForm(NoticeFields, ChineseForm):
    """One's own address and message preferences."""


class UserForm(NoticeFields, ChineseForm):
    """An admin's create/edit form; on edit the user name is fixed and the password optional."""

    # username, display name, e-mail and password are checked by the service, all together
    username = StringField(
        "用户名",
        description="3–64 个字符，只能包含英文字母、数字和 _ . -，创建后不能修改",
    )
    display_name = StringField("显示名称")
    role = SelectField(
        "角色",
        choices=[SelectChoice(role, ROLE_LABELS[role]) for role in ROLES],
        default="owner",
        invalid_choice_message="请选择有效的角色",
    )
    unit_ids = MultiCheckboxField(
        "负责单位",
        coerce=ascii_int,
        description="项目负责人必选，可多选",
        invalid_value_message="所选单位无效",
        invalid_choice_message="所选单位不存在",
    )
    department_id = SelectField(
        "所属部门",
        coerce=_optional_int,
        description="财务审核、部门领导必选",
        invalid_value_message="所选部门无效",
        invalid_choice_message="所选部门不存在",
    )
    active = BooleanField("启用（停用后不能登录）", default=True)
    password = PasswordField("密码", description=PASSWORD_HINT)
    #: With a new password: the user's API tokens are revoked too (they may have leaked with the old one).
    revoke_tokens = BooleanField("重设密码时同时吊销该用户的全部 API 令牌")
    #: The account's version when the page was shown (an edit from an older one is refused).
    lock_version = HiddenField()

    def __init__(self, *args, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.creating = creating
        self.unit_ids.choices = [
            SelectChoice(unit_id, name, optgroup=department)
            for department, units in queries.unit_choices().items()
            for unit_id, name in units
        ]
        self.department_id.choices = [
            SelectChoice("", "（无）"),
            *(SelectChoice(i, label) for i, label in queries.department_choices()),
        ]
        if creating:
            del self.active  # new accounts start active
            del self.revoke_tokens, self.lock_version
        else:
            del self.username
            self.password.label.text = "重设密码"
            self.password.description = "留空则不修改；" + PASSWORD_HINT

    @classmethod
    def for_user(cls, user: User) -> "UserForm":
        """The edit form, filled from ``user`` unless a submission overrides it."""
        return cls(creating=False, obj=user, unit_ids=[unit.id for unit in user.units])

    def fields(self) -> dict:
        """The submitted values as service keyword arguments (user name aside)."""
        values = {
            "role": self.role.data,
            "display_name": (self.display_name.data or "").strip(),
            "unit_ids": self.unit_ids.data or [],
            "department_id": self.department_id.data,
            "password": self.password.data or "",
            **self.notice_fields(),
        }
        if not self.creating:
            values["active"] = self.active.data
        return values

    @property
    def expected_version(self) -> int | None:
        """The account's version the edit was made from."""
        return read_version(self.lock_version.data) if not self.creating else None


class PasswordForm(ChineseForm):
    """One's own password change."""

    # no validators: change_own_password checks all three together (no refusal in rounds)
    current_password = PasswordField("当前密码")
    new_password = PasswordField("新密码", description=PASSWORD_HINT)
    confirm = PasswordField("确认新密码")
    revoke_tokens = BooleanField("同时吊销我的全部 API 令牌（怀疑密码或令牌已泄露时勾选）")


class TokenForm(ChineseForm):
    """Name a new API token."""

    name = StringField(
        "令牌名称",
        [InputRequired("请填写令牌名称"), Length(max=100, message="最多 100 个字")],
        description="用途，如“国库支付系统对接”",
    )
