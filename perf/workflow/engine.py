"""The workflow engine: one declared transition table per workflow drives the pages, the API and the CLI.

A ``Workflow`` names its states (with what each freezes) and its transitions: the step, the
states it leaves and the state it reaches, who may take it (the project's owner or the
department's reviewer), whether a comment is required, the checks that must pass and the
version it keeps. ``take`` runs one step for any workflow, in one order:

1. who: an owner of the project's unit, or a reviewer of its department (else ``forbidden``);
2. the subject exists and its state allows the step (else ``conflict``);
3. a comment, where one is required (else ``invalid`` at ``comment``);
4. the transition's own check, e.g. the target review's errors (else ``conflict``, every reason);
5. the state moves, with the subject's own optimistic lock: of two people taking a step on the
   same subject at once, the second gets a ``conflict`` (409), never a duplicate version;
6. the version is kept, the step event and the audit entry recorded, and the step's listeners
   told (``on_step``), all in the request's one transaction.

Rooms declare their workflows (``perf.review.workflow``, ``perf.evaluation.workflow``) and
register them; the engine never imports them.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from perf.audit.services import record
from perf.auth.permissions import Perm, can_edit, can_review
from perf.db import among
from perf.errors import RuleError
from perf.extensions import db
from perf.workflow import locks
from perf.workflow.models import KeptVersion, StepEvent

#: Who may take a step: the permission its route needs, the object check, and how messages name them.
WHO = {
    "owner": (Perm.PROJECT_EDIT, can_edit, "本单位的项目负责人"),
    "reviewer": (Perm.PROJECT_REVIEW, can_review, "本部门的财务审核"),
}
#: What a state may freeze, as messages name it.
LOCKABLE = {"table": "绩效目标表", "entries": "填报内容", "actuals": "实际完成值"}


@dataclass(frozen=True)
class State:
    """A state: its Chinese label and what it freezes (``LOCKABLE`` keys)."""

    label: str
    locks: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Transition:
    """One step of the table.

    ``verb`` names the step in "只有…可以{verb}" and ``cannot`` says why it is not possible in
    another state ("不能提交", "无需申请调整"). ``check(subject, project)`` raises a RuleError
    when the step must not be taken and returns what the step's ``effect``, ``summary`` and
    version snapshot may use. ``keeps`` is the kind of version kept after the step, if any.
    """

    step: str
    label: str
    sources: tuple[str, ...]
    target: str
    who: str
    verb: str
    cannot: str
    done: str
    summary: Callable[..., str]
    comment_required: str | None = None
    keeps: str | None = None
    check: Callable | None = None
    effect: Callable | None = None
    #: The API operation's summary (English, as the rest of the OpenAPI document).
    doc: str = ""

    @property
    def permission(self) -> Perm:
        """The permission a route of this step needs."""
        return WHO[self.who][0]

    def allowed(self, user, project) -> bool:
        """The object check: this user may take this step on this project."""
        return WHO[self.who][1](user, project)


@dataclass
class Workflow:
    """A declared workflow: its states, its transitions and how it reaches its subject.

    ``subject_of(project)`` finds the subject (None: not started); ``model`` and ``project_column``
    let the engine read every subject's state by project; ``refused`` words a state that does not
    allow a step ("项目当前为“{state}”，{cannot}"); ``missing`` what is said when there is no subject
    yet, by who asks; ``audit_prefix`` names its audit actions (``project.submit``).
    """

    name: str
    label: str
    states: dict[str, State]
    transitions: tuple[Transition, ...]
    model: type
    project_column: object
    subject_of: Callable
    project_of: Callable
    state_label: Callable
    snapshot: Callable
    refused: str
    audit_prefix: str
    missing: dict[str, str] = field(default_factory=dict)
    version_reason: Callable = lambda subject: None
    #: How "只有…可以提交{object_word}" names the subject ("" where the context says it, e.g. a project's page).
    object_word: str = ""

    def __post_init__(self) -> None:
        self.by_step = {transition.step: transition for transition in self.transitions}
        for transition in self.transitions:
            unknown = {*transition.sources, transition.target} - set(self.states)
            if unknown or transition.who not in WHO:
                raise ValueError(f"{self.name}.{transition.step}: unknown state or role {unknown or transition.who}")

    def transition(self, step: str) -> Transition:
        """The declared transition of ``step`` (KeyError for an undeclared one)."""
        return self.by_step[step]

    def possible(self, subject, user, project) -> list[Transition]:
        """The steps this user may take now (for the buttons a page shows)."""
        state = subject.status if subject is not None else None
        return [t for t in self.transitions if state in t.sources and t.allowed(user, project)]

    def unlock_hint(self, locking: Iterable[str]) -> str:
        """ "撤回、退回或重新打开后才能修改": the steps that leave a locking state for one that is not."""
        labels = list(
            dict.fromkeys(t.verb for t in self.transitions if set(t.sources) & set(locking) and t.target not in locking)
        )
        if not labels:
            return "不能修改"
        said = labels[0] if len(labels) == 1 else "、".join(labels[:-1]) + "或" + labels[-1]
        return f"{said}后才能修改"


#: Every declared workflow, by name (registered by the rooms that declare them).
WORKFLOWS: dict[str, Workflow] = {}
#: What other rooms do when a step is taken: callback(workflow, transition, subject, project, event).
LISTENERS: list[Callable] = []


def register(workflow: Workflow) -> Workflow:
    """Declare a workflow to the engine (its locks become visible to ``perf.workflow.locks``)."""
    WORKFLOWS[workflow.name] = workflow
    return workflow


def on_step(listener: Callable) -> Callable:
    """Call ``listener(workflow, transition, subject, project, event)`` after every step, in its transaction."""
    if listener not in LISTENERS:
        LISTENERS.append(listener)
    return listener


def take(workflow: Workflow, step: str, project, user, comment: str = ""):
    """Take ``step`` on the project's subject as ``user``; the subject afterwards. RuleError when refused."""
    transition = workflow.transition(step)
    who = WHO[transition.who][2]
    if not transition.allowed(user, project):
        raise RuleError(f"只有{who}可以{transition.verb}{workflow.object_word}", "forbidden")
    subject = workflow.subject_of(project)
    if subject is None:
        raise RuleError(workflow.missing.get(transition.who, f"还没有{workflow.label}"), "conflict")
    before = subject.status
    if before not in transition.sources:
        message = workflow.refused.format(state=workflow.state_label(subject), cannot=transition.cannot)
        raise RuleError(message, "conflict")
    comment = (comment or "").strip()
    if transition.comment_required and not comment:
        raise RuleError({"comment": [transition.comment_required]})
    checked = transition.check(subject, project) if transition.check else None
    before_label, reason = workflow.state_label(subject), workflow.version_reason(subject)
    subject.status = transition.target
    if transition.effect:
        transition.effect(subject, user, comment)
    _flush_or_conflict(workflow)
    if transition.keeps:
        keep_version(workflow, subject, transition.keeps, user, reason, workflow.snapshot(subject, checked, comment))
    summary = transition.summary(project, comment, checked)
    event = StepEvent(
        workflow=workflow.name,
        subject_id=subject.id,
        project_id=project.id,
        step=transition.step,
        from_state=before,
        to_state=transition.target,
        actor_id=user.id,
        actor=user.username,
        comment=comment,
        summary=summary,
    )
    db.session.add(event)
    changes = {"状态": [before_label, workflow.state_label(subject)]}
    if comment:
        changes["意见"] = [None, comment]
    record(user.username, f"{workflow.audit_prefix}.{transition.step}", "project", project.id, summary, changes)
    db.session.flush()
    for listener in LISTENERS:
        listener(workflow, transition, subject, project, event)
    return subject


def _flush_or_conflict(workflow: Workflow) -> None:
    """Write the state change; someone who moved the same subject first wins, the other gets a conflict."""
    try:
        db.session.flush()
    except StaleDataError:
        raise RuleError(f"{workflow.label}已被他人处理，请刷新页面查看最新状态", "conflict") from None


def keep_version(workflow: Workflow, subject, kind: str, user, reason: str | None, snapshot: dict) -> KeptVersion:
    """Freeze ``snapshot`` as the subject's next version (a concurrent duplicate number is a conflict)."""
    last = db.session.scalar(
        select(func.max(KeptVersion.number)).where(
            KeptVersion.workflow == workflow.name, KeptVersion.subject_id == subject.id
        )
    )
    version = KeptVersion(
        workflow=workflow.name,
        subject_id=subject.id,
        number=(last or 0) + 1,
        kind=kind,
        snapshot=snapshot,
        reason=reason or "",
        created_by_id=user.id if user is not None else None,
        created_by=user.username if user is not None else "",
    )
    try:
        with db.session.begin_nested():
            db.session.add(version)
    except IntegrityError:
        raise RuleError(f"{workflow.label}已被他人处理，请刷新页面查看最新状态", "conflict") from None
    return version


def keep_first_versions(workflow: Workflow, kept: Sequence[tuple[object, dict]], kind: str) -> None:
    """Version 1 of each of many subjects just created (nothing to number after, nobody else has them yet):
    (subject, snapshot) pairs, kept by the system (an import) in one flush."""
    db.session.add_all(
        KeptVersion(workflow=workflow.name, subject_id=subject.id, number=1, kind=kind, snapshot=snap, reason="")
        for subject, snap in kept
    )


def versions(workflow: Workflow, subject) -> list[KeptVersion]:
    """The subject's kept versions, oldest first."""
    if subject is None:
        return []
    query = select(KeptVersion).where(KeptVersion.workflow == workflow.name, KeptVersion.subject_id == subject.id)
    return list(db.session.scalars(query.order_by(KeptVersion.number)))


def version(workflow: Workflow, subject, number: int) -> KeptVersion | None:
    """One kept version by number."""
    if subject is None:
        return None
    return db.session.scalar(
        select(KeptVersion).where(
            KeptVersion.workflow == workflow.name,
            KeptVersion.subject_id == subject.id,
            KeptVersion.number == number,
        )
    )


def events(workflow: Workflow, project, newest_first: bool = False) -> list[StepEvent]:
    """The steps taken in ``workflow`` on the project."""
    order = StepEvent.id.desc() if newest_first else StepEvent.id
    query = select(StepEvent).where(StepEvent.workflow == workflow.name, StepEvent.project_id == project.id)
    return list(db.session.scalars(query.order_by(order)))


def returned(subject, last: StepEvent | None) -> StepEvent | None:
    """The return that left ``subject`` where it is (shown as 已退回 with its comment), if that is how."""
    if last is None or subject is None or last.step != "return" or subject.status != last.to_state:
        return None
    return last


def returns_of(project_ids: Iterable[int]) -> dict[tuple[str, int], StepEvent]:
    """(workflow name, project id) -> the return that left that workflow's subject where it stands (已退回).

    For a list of projects at once, in a fixed number of queries (the last step of every workflow on
    the projects, then each registered workflow's subject states), never one a row.
    """
    ids = sorted(set(project_ids)) or [-1]
    latest = (
        select(func.max(StepEvent.id))
        .where(among(db.session, StepEvent.project_id, ids))
        .group_by(StepEvent.workflow, StepEvent.project_id)
    )
    query = select(StepEvent).options(joinedload(StepEvent.author)).where(StepEvent.id.in_(latest))
    last = {(event.workflow, event.project_id): event for event in db.session.scalars(query)}
    found = {}
    for workflow in WORKFLOWS.values():
        states = select(workflow.project_column, workflow.model.status)
        states = states.where(among(db.session, workflow.project_column, ids))
        for project_id, status in db.session.execute(states):
            event = last.get((workflow.name, project_id))
            if event is not None and event.step == "return" and event.to_state == status:
                found[workflow.name, project_id] = event
    return found


@locks.register
def _held(project_id: int, what: str) -> str | None:
    """A workflow whose subject is in a state that freezes ``what``: why it is locked."""
    for workflow in WORKFLOWS.values():
        locking = {key for key, state in workflow.states.items() if what in state.locks}
        if not locking:
            continue
        subject = db.session.scalar(select(workflow.model).where(workflow.project_column == project_id))
        if subject is not None and subject.status in locking:
            hint = workflow.unlock_hint(locking)
            return f"{workflow.label}{workflow.state_label(subject)}，{LOCKABLE[what]}已锁定（{hint}）"
    return None
