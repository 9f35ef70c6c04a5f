"""workflow engine: one table of step events and one of kept versions for every workflow

The 绩效目标表's review comments and the self-evaluation's steps (until now read back from the
audit log) become step events; the 绩效目标表's and the self-evaluation's versions become kept
versions. Every row is copied over before the old tables go.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 07:44:57.196471

"""
import json

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

#: The self-evaluation's state labels as its audit entries recorded them.
EVALUATION_STATES = {"填报中": "draft", "待审核": "submitted", "已审核": "signed"}
EVALUATION_STEPS = ("submit", "return", "sign", "reopen")


def upgrade():
    op.create_table('kept_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workflow', sa.String(length=30), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_kept_version_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kept_version')),
    sa.UniqueConstraint('workflow', 'subject_id', 'number', name=op.f('uq_kept_version_workflow_subject_id_number'))
    )
    op.create_table('step_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workflow', sa.String(length=30), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=20), nullable=False),
    sa.Column('from_state', sa.String(length=20), nullable=True),
    sa.Column('to_state', sa.String(length=20), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_step_event_actor_id_user_account')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_step_event_project_id_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_step_event'))
    )
    with op.batch_alter_table('step_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_step_event_project_id'), ['project_id'], unique=False)
        batch_op.create_index('ix_step_event_subject', ['workflow', 'subject_id'], unique=False)

    _copy_forward()

    with op.batch_alter_table('review_comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_comment_project_id'))

    op.drop_table('review_comment')
    op.drop_table('project_version')
    op.drop_table('evaluation_version')


def _copy_forward():
    """The old rows, as step events and kept versions."""
    op.execute(
        "INSERT INTO kept_version (workflow, subject_id, number, kind, snapshot, reason, created_by_id, created_by,"
        " created_at) SELECT 'target', v.project_id, v.number, v.kind, v.snapshot, NULLIF(v.reason, ''),"
        " v.created_by_id, (SELECT u.username FROM user_account u WHERE u.id = v.created_by_id), v.created_at"
        " FROM project_version v"
    )
    op.execute(
        "INSERT INTO kept_version (workflow, subject_id, number, kind, snapshot, reason, created_by_id, created_by,"
        " created_at) SELECT 'self_evaluation', v.evaluation_id, v.number, v.kind, v.snapshot, NULL,"
        " (SELECT u.id FROM user_account u WHERE u.username = v.created_by), NULLIF(v.created_by, ''), v.created_at"
        " FROM evaluation_version v"
    )
    op.execute(
        "INSERT INTO step_event (workflow, subject_id, project_id, step, actor_id, actor, comment, at)"
        " SELECT 'target', c.project_id, c.project_id, c.action, c.author_id,"
        " COALESCE((SELECT u.username FROM user_account u WHERE u.id = c.author_id), 'cli'),"
        " NULLIF(c.text, ''), c.created_at FROM review_comment c ORDER BY c.id"
    )
    _evaluation_steps_from_the_audit_log()


def _evaluation_steps_from_the_audit_log():
    """The self-evaluation's steps were kept only as audit entries: each becomes a step event."""
    bind = op.get_bind()
    actions = [f"self_evaluation.{step}" for step in EVALUATION_STEPS]
    entries = bind.execute(
        sa.text(
            "SELECT a.at, a.actor, a.action, a.object_id, a.summary, a.changes FROM audit_entry a"
            " WHERE a.object_type = 'project' AND a.action IN :actions ORDER BY a.id"
        ).bindparams(sa.bindparam("actions", expanding=True)),
        {"actions": actions},
    ).all()
    evaluations = dict(bind.execute(sa.text("SELECT project_id, id FROM self_evaluation")).all())
    users = dict(bind.execute(sa.text("SELECT username, id FROM user_account")).all())
    rows = []
    for at, actor, action, object_id, summary, changes in entries:
        project_id = int(object_id) if str(object_id).isdigit() else None
        if project_id not in evaluations:
            continue
        changes = json.loads(changes) if isinstance(changes, str) else (changes or {})
        before, after = (changes.get("状态") or [None, None])[:2]
        comment = (changes.get("意见") or [None, None])[1]
        rows.append(
            {
                "workflow": "self_evaluation",
                "subject_id": evaluations[project_id],
                "project_id": project_id,
                "step": action.split(".", 1)[1],
                "from_state": EVALUATION_STATES.get(before),
                "to_state": EVALUATION_STATES.get(after),
                "actor_id": users.get(actor),
                "actor": actor,
                "comment": comment or None,
                "summary": summary or None,
                "at": at,
            }
        )
    if rows:
        step_event = sa.table(
            "step_event",
            *(sa.column(name) for name in rows[0]),
        )
        op.bulk_insert(step_event, rows)


def downgrade():
    op.create_table('evaluation_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evaluation_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['evaluation_id'], ['self_evaluation.id'], name=op.f('fk_evaluation_version_evaluation_id_self_evaluation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_version')),
    sa.UniqueConstraint('evaluation_id', 'number', name=op.f('uq_evaluation_version_evaluation_id_number'))
    )
    op.create_table('project_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('imported', 'submitted', 'approved')", name=op.f('ck_project_version_kind_known')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_project_version_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_project_version_project_id_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_version')),
    sa.UniqueConstraint('project_id', 'number', name=op.f('uq_project_version_project_id_number'))
    )
    op.create_table('review_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("action IN ('submit', 'return', 'approve', 'adjust', 'comment')", name=op.f('ck_review_comment_action_known')),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_review_comment_author_id_user_account')),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_review_comment_project_id_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_comment'))
    )
    with op.batch_alter_table('review_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_comment_project_id'), ['project_id'], unique=False)

    # back: the versions and the 绩效目标表's steps (the self-evaluation's steps stay in the audit log)
    op.execute(
        "INSERT INTO project_version (project_id, number, kind, snapshot, reason, created_by_id, created_at)"
        " SELECT subject_id, number, kind, snapshot, COALESCE(reason, ''), created_by_id, created_at"
        " FROM kept_version WHERE workflow = 'target'"
    )
    op.execute(
        "INSERT INTO evaluation_version (evaluation_id, number, kind, snapshot, created_by, created_at)"
        " SELECT subject_id, number, kind, snapshot, COALESCE(created_by, ''), created_at"
        " FROM kept_version WHERE workflow = 'self_evaluation'"
    )
    op.execute(
        "INSERT INTO review_comment (project_id, author_id, action, text, created_at)"
        " SELECT project_id, actor_id, step, COALESCE(comment, ''), at FROM step_event"
        " WHERE workflow = 'target' ORDER BY id"
    )

    with op.batch_alter_table('step_event', schema=None) as batch_op:
        batch_op.drop_index('ix_step_event_subject')
        batch_op.drop_index(batch_op.f('ix_step_event_project_id'))

    op.drop_table('step_event')
    op.drop_table('kept_version')
