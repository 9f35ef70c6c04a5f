"""Office commands: ``perf todo`` (one person's 待办) and ``perf remind`` (the reminder job)."""

import json

import click
from flask.cli import with_appcontext

from perf import clock
from perf.alerts.delivery import deliver_pending
from perf.auth.queries import find_user
from perf.boundary import after_commit, committed
from perf.errors import RuleError
from perf.office.reminders import remind
from perf.office.todo import todo

AS_OF = click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="日期（默认：今天）")


@click.command("todo", help="一个用户的待办事项，与其首页所列相同。")
@click.argument("username")
@AS_OF
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@with_appcontext
@committed(labels={"username": "用户名"})
def todo_command(username: str, as_of, as_json: bool) -> None:
    """What waits for one user (待办), as on their home page."""
    user = find_user(username.strip())
    if user is None:
        raise RuleError({"username": [f"用户 {username} 不存在"]})
    items = todo(user, as_of.date() if as_of else None)
    if as_json:
        click.echo(json.dumps([item.as_json() for item in items], ensure_ascii=False, indent=2))
        return
    if not items:
        click.echo(f"{user.label}：没有待办事项")
    for item in items:
        due = f"，截止 {item.due.isoformat()}" if item.due else ""
        late = "（已逾期）" if item.overdue else ""
        click.echo(f"{item.kind_label}  {item.project_code} {item.project_name}：{item.title}{due}{late}")


@click.command("remind", help="提醒和升级逾期事项（每日检查后运行）；同一天再次运行不会重复发送。")
@AS_OF
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出发出的提醒")
@click.option("--no-deliver", is_flag=True, help="只排队，不发送邮件")
@with_appcontext
@committed
def remind_command(as_of, as_json: bool, no_deliver: bool) -> None:
    """Remind and escalate late work (run daily after the scan); a second run the same day sends nothing new."""
    sent = remind(as_of.date() if as_of else clock.today())
    if as_json:
        click.echo(json.dumps([s.as_json() for s in sent], ensure_ascii=False, indent=2))
    else:
        click.echo(f"发出提醒 {len(sent)} 条")
        for s in sent:
            click.echo(f"  {s.user}  {s.stage}  {s.kind}  {s.project_code or ''}")
    if not no_deliver:
        after_commit(deliver_pending)
