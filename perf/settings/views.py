"""The 系统设置 page (admins): every setting by group with its source, save, preview, test message, export, import."""

import json
from datetime import date

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from perf import clock
from perf.auth.permissions import Perm, require
from perf.errors import RuleError
from perf.forms import Kept
from perf.settings import checks, forms, services
from perf.settings.schemas import BY_NAME, GROUPS, LAG_CONDITIONS, LAG_LEVELS, REVERSE_FORMULAS, WEBHOOK_FORMATS
from perf.versions import read_version

bp = Blueprint("settings", __name__, url_prefix="/settings")


def _today() -> date:
    return clock.today()


def _page(typed: dict | None = None, refused: RuleError | None = None, status: int = 200, **extra):
    rows = services.effective()
    values = forms.shown(services.values())
    kept = Kept(errors=refused.errors if refused else {}, form_errors=refused.errors.get("", []) if refused else [])
    if refused and extra.pop("listed", False):  # an imported file's problems: every one above the form
        kept = Kept(
            form_errors=[f"{_where(path)}：{m}" if path else m for path, found in refused.errors.items() for m in found]
        )
    return (
        render_template(
            "settings/settings.html",
            rows=rows,
            groups=GROUPS,
            values={**values, **(typed or {})},
            kept=kept if refused else None,
            conditions=LAG_CONDITIONS,
            levels=LAG_LEVELS,
            formulas=REVERSE_FORMULAS,
            webhook_formats=WEBHOOK_FORMATS,
            failed_messages=checks.failed_messages(),
            channel_labels=checks.CHANNEL_LABELS,
            scoring_flags=forms.SCORING_FLAGS,
            as_of=extra.pop("as_of", _today()),
            settings_version=services.version(),
            **extra,
        ),
        status,
    )


def _where(path: str) -> str:
    """A problem's place in an imported file (``settings.lag_rules.1.1`` -> 滞后灯色规则 第 2 条 第 2 项)."""
    parts = path.split(".")[1:] if path.startswith("settings.") else path.split(".")
    spec = BY_NAME.get(parts[0]) if parts else None
    where = [spec.label if spec else "文件"]
    if spec and len(parts) > 1 and parts[1].isdigit():
        where.append(f"第 {int(parts[1]) + 1} 条")
        if len(parts) > 2 and parts[2].isdigit():
            where.append(f"第 {int(parts[2]) + 1} 项")
    return " ".join(where)


def _posted() -> tuple[dict, dict]:
    return forms.parse(request.form, services.values())


@bp.get("")
@require(Perm.ORG_ADMIN)
def index():
    """The settings, grouped, each with its value and where it comes from."""
    return _page()


@bp.post("")
@require(Perm.ORG_ADMIN)
def save():
    """Save what changed (all or nothing); a refused save shows every message and keeps what was typed."""
    data, typed = _posted()
    try:
        changes = services.save(current_user.username, data, read_version(request.form.get("lock_version")))
    except RuleError as error:
        return _page(typed, error, 422)
    flash(f"已保存 {len(changes)} 项设置" if changes else "设置没有变化", "success")
    return redirect(url_for("settings.index"))


@bp.post("/preview")
@require(Perm.ORG_ADMIN)
def preview():
    """Today's lights (or as of the date given) under the edited rules; nothing is saved."""
    data, typed = _posted()
    try:
        as_of = date.fromisoformat(request.form.get("as_of", ""))
    except ValueError:
        as_of = _today()
    try:
        result = checks.preview(data, as_of)
    except RuleError as error:
        return _page(typed, error, 422, as_of=as_of)
    return _page(typed, preview=result, as_of=as_of)


@bp.post("/test-message")
@require(Perm.ORG_ADMIN)
def test_message():
    """Send a test e-mail or group-robot message with the settings as typed; nothing is saved."""
    data, typed = _posted()
    try:
        sent = checks.send_test(data, request.form.get("channel", "email"), request.form.get("test_address", ""))
    except RuleError as error:
        return _page(typed, error, 422, test_address=request.form.get("test_address", ""))
    return _page(typed, test_result=sent, test_address=request.form.get("test_address", ""))


@bp.get("/export.json")
@require(Perm.ORG_ADMIN)
def export():
    """The whole set as one JSON file."""
    body = json.dumps(services.export(), ensure_ascii=False, indent=2)
    name = f"perf-settings-{_today().isoformat()}.json"
    return Response(body, mimetype="application/json", headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.post("/import")
@require(Perm.ORG_ADMIN)
def import_file():
    """Take an exported file back: checked by the same schema, all or nothing."""
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise RuleError({"file": ["请选择要导入的设置文件"]})
        changes = services.import_file(current_user.username, upload.read())
    except RuleError as error:
        return _page(None, error, 422, listed=True)
    flash(f"已导入设置文件，修改 {len(changes)} 项" if changes else "设置文件与当前设置相同，没有修改", "success")
    return redirect(url_for("settings.index"))
