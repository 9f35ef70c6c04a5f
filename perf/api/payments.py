"""Payments (支付记录): list, read, record one, record up to 10,000 at once, correct and delete.

A payment past its project's budget or dated outside the budget year is saved only with
``confirmed: true`` (else 422 naming what to confirm); stored payments carry ``flags``.
Correcting and deleting take a ``reason`` (422 without one), written into the audit log.
"""

from flask_login import current_user
from marshmallow import post_load, validate

from perf.api import examples, queries
from perf.api.common import (
    Blueprint,
    PageArgs,
    allow,
    api_abort,
    json_body,
    page_of,
    paginate,
    refuse_star_if_match,
)
from perf.auth.permissions import Perm, can_edit, can_view, ensure, loads
from perf.fields import Day, Id, Int, Items, Money, Obj, PerfSchema, Text, Year
from perf.org.models import BudgetYear
from perf.projects.models import Project
from perf.projects.queries import project_by_code
from perf.spending import batch, services
from perf.spending.batch import MAX_ITEMS
from perf.spending.models import Payment
from perf.spending.rules import FLAGS, flags
from perf.spending.schemas import MAX_REASON, STORED, PaymentSchema, shown
from perf.spending.services import payment_by_id

blp = Blueprint("api_payments", __name__, url_prefix="/api/v1/payments", description="支付记录（金额单位：元）")


class PaymentArgs(PageArgs):
    """Filter payments."""

    project_id = Id()
    year = Year(metadata={"description": "项目的预算年度"})
    date_from = Day(metadata={"description": "支付日期不早于"})
    date_to = Day(metadata={"description": "支付日期不晚于"})
    voucher_no = Text(max_length=64)


class YearArgs(PerfSchema):
    """Which budget year a 项目编码 belongs to."""

    year = Year(metadata={"description": "项目编码所在的预算年度（默认：含此编码的最新年度）"})


class PaymentOutSchema(PaymentSchema):
    """A stored payment: the fields it is written with, where it belongs, and its source's label.

    A negative amount is a refund of ``refund_of``.
    """

    class Meta(PaymentSchema.Meta):
        dump_only = tuple(name for name in PaymentSchema._declared_fields if name != "confirmed")
        exclude = ("confirmed",)

    project_id = Int(dump_only=True)
    year = Int(dump_only=True)
    source_label = Text(dump_only=True)
    flags = Items(
        Text(),
        dump_only=True,
        metadata={
            "description": "标记："
            + "；".join(f"{code} {label}（{why}）" for code, (label, why) in FLAGS.items())
            + "；没有标记时为空数组"
        },
    )


def _reason(what: str, required: bool) -> Text:
    """A correction's or deletion's reason, into the audit log; the service refuses a blank one in Chinese."""
    given = {"required": True} if required else {"load_default": None, "allow_none": True}
    return Text(
        f"{what}原因",
        max_length=MAX_REASON,
        **given,
        metadata={"description": f"{what}原因（必填，最多 {MAX_REASON} 字），记入修改记录", "example": "金额录入错误"},
    )


class PaymentChangeSchema(PaymentSchema):
    """A corrected payment: every field but the project, which does not change, and why it is corrected."""

    class Meta(PaymentSchema.Meta):
        exclude = ("project_code",)

    reason = _reason("更正", required=True)

    @post_load
    def make_payment(self, data: dict, **kwargs) -> dict:
        """The corrected payment and its reason."""
        reason = data.pop("reason", None)
        return {"payment": PaymentSchema.make_payment(self, data), "reason": reason}


class DeleteArgs(PerfSchema):
    """Why a payment is deleted."""

    reason = _reason("删除", required=False)  # or in a JSON body


class RawItems(Items):
    """A list documented as items of its schema but handed over unloaded, so each item's errors keep its index."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, list):
            raise self.make_error("invalid")
        return value


class BulkSchema(PerfSchema):
    """Up to 10,000 payments, written all together or not at all."""

    payments = RawItems(
        Obj(PaymentSchema),
        required=True,
        validate=[validate.Length(min=1, max=MAX_ITEMS, error=f"一次应提交 1 到 {MAX_ITEMS} 条支付记录")],
    )


class BulkResultSchema(PerfSchema):
    """What a bulk request wrote."""

    created = Int(required=True, metadata={"description": "新增条数"})
    unchanged = Int(required=True, metadata={"description": "与已存记录完全相同、未重复保存的条数"})
    total = Money(metadata={"description": "本批金额合计（元，含未变动的）"})
    ids = Items(Int(), dump_only=True, metadata={"description": "新增支付记录的 id"})


def payment_json(payment: Payment, code: str, year: int) -> dict:
    """The output form of a stored payment."""
    return {
        **{name: getattr(payment, name) for name in STORED},
        "id": payment.id,
        "project_id": payment.project_id,
        "project_code": code,
        "year": year,
        "source_label": shown("source", payment.source),
        "flags": flags(payment, year),
    }


def _json_of(payment: Payment) -> dict:
    code, year = queries.payment_place(payment)
    return payment_json(payment, code, year)


def _project_of(code: str, year: int | None):
    """The project of a payment body's 项目编码 (422 unknown), which the caller must own (403)."""
    project = project_by_code(code, year)
    if project is None:
        where = f"{year} 年度" if year else "系统中"
        api_abort(422, "提交的数据有误", {"project_code": [f"{where}没有项目编码为 {code} 的项目"]})
    ensure(can_edit(current_user, project))
    return project


def _may_write(user, payment: Payment) -> bool:
    return can_edit(user, payment.project)


def _may_read(user, payment: Payment) -> bool:
    return can_view(user, payment.project)


@blp.route("", methods=["GET"])
@allow(Perm.PROJECT_VIEW)
@blp.arguments(PaymentArgs, location="query")
@blp.response(200, page_of(PaymentOutSchema))
def list_payments(args):
    """列出支付记录

    调用者可见项目的支付记录，按支付日期排列；可按项目、预算年度、支付日期范围和凭证号筛选。金额单位为元。
    ---
    List payments of the projects the caller may see, by date
    """
    query = queries.payments(current_user, args).add_columns(Project.code, BudgetYear.year)
    page = paginate(query, args, scalars=False)
    page["items"] = [payment_json(*row) for row in page["items"]]
    return page


@blp.route("/<int:payment_id>", methods=["GET"], parameters=[examples.PAYMENT_ID])
@allow(Perm.PROJECT_VIEW)
@blp.etag
@blp.response(200, PaymentOutSchema)
@loads("payment_id", payment_by_id, _may_read, "支付记录")
def get_payment(payment: Payment):
    """读取支付记录

    一条支付记录；响应头的 `ETag` 用于更正时的 `If-Match`。
    ---
    Read one payment (its ETag goes in If-Match to correct it)
    """
    return _json_of(payment)


@blp.route("", methods=["POST"])
@allow(Perm.PROJECT_EDIT)
@blp.arguments(YearArgs, location="query")
@blp.arguments(PaymentSchema, example=examples.PAYMENT)
@blp.response(201, PaymentOutSchema)
def create_payment(args, data):
    """登记支付记录

    为调用者负责的项目登记一笔支付（负数为退款，须填写原凭证号 `refund_of`）。字段与支付记录导入的每一行相同，
    金额单位为元。
    ---
    Record one payment (or refund) of one of the caller's projects

    The body is the same schema the payments import reads each row with. 这笔支出使项目累计支付超过预算，
    或支付日期不在预算年度内（前后一年以内）时，须带 `confirmed: true` 才保存，否则答 422，
    `errors` 的 `amount_yuan` / `date` 说明情况、`confirmed` 要求确认；保存后的记录在 `flags` 中标记
    `over_budget` / `outside_year`。超出预算年度前后一年的日期一律拒绝。
    """
    project = _project_of(data.project_code, args.get("year"))
    return _json_of(services.add_payment(project, data, current_user.username))


@blp.route("/bulk", methods=["POST"])
@allow(Perm.PROJECT_EDIT)
@blp.arguments(YearArgs, location="query")
@blp.arguments(BulkSchema, example=examples.BULK)
@blp.response(201, BulkResultSchema)
def create_payments(args, body):
    """批量登记支付记录

    一次最多 10,000 笔，全部通过检查才写入，否则一笔也不写。问题按 `payments.<序号>.<字段>` 列出。
    与已登记记录完全相同的一笔计为未变化，因此同一批可以重复发送。
    ---
    Record up to 10,000 payments in one all-or-nothing request

    Problems are keyed ``payments.<index>.<field>`` and nothing is written while there is one.
    An item identical to a stored payment counts as unchanged, so a batch may be sent again.
    是否超预算按各条在本批中的先后顺序累计判断；须确认的条目带 `confirmed: true`，否则整批不保存
    （`payments.<index>.confirmed`）。
    """
    return batch.add_payments(body["payments"], args.get("year"), current_user._get_current_object())


@blp.route("/<int:payment_id>", methods=["PUT"], parameters=[examples.PAYMENT_ID])
@allow(Perm.PROJECT_EDIT)
@blp.etag
@blp.arguments(PaymentChangeSchema, example=examples.PAYMENT_CHANGE)
@blp.response(200, PaymentOutSchema)
@loads("payment_id", payment_by_id, _may_write, "支付记录")
def correct_payment(body, payment: Payment):
    """更正支付记录

    更正一笔支付（须带 `If-Match`，项目不可更改）；更正前后的值记入修改记录。请求体须含 `reason`（更正原因，必填，
    最多 2000 字），记入修改记录；缺少时答 422（`errors.reason`：“请填写更正原因”）。
    更正后超预算或日期不在预算年度内的，
    同新增一样须 `confirmed: true`。
    ---
    Correct a payment (If-Match required); the change is audited with its reason
    """
    refuse_star_if_match()
    blp.check_etag(_json_of(payment), PaymentOutSchema)
    services.correct_payment(payment, body["payment"], current_user.username, body["reason"])
    return _json_of(payment)


@blp.route("/<int:payment_id>", methods=["DELETE"], parameters=[examples.PAYMENT_ID])
@allow(Perm.PROJECT_EDIT)
@blp.arguments(DeleteArgs, location="query")
@blp.response(204)
@loads("payment_id", payment_by_id, _may_write, "支付记录")
def delete_payment(args, payment: Payment):
    """删除支付记录

    删除一笔支付；仍有退款指向它时返回 409。须给出删除原因 `reason`（必填，最多 2000 字），记入修改记录：
    作查询参数 `?reason=…`，或（原因较长时）作 JSON 请求体 `{"reason": "…"}`，两者都给时以查询参数为准。
    缺少时答 422（`errors.reason`：“请填写删除原因”）。
    ---
    Delete a payment (409 while a refund names it); the deletion is audited with its reason
    """
    reason = args.get("reason") or json_body().get("reason")
    services.delete_payment(payment, current_user.username, reason if isinstance(reason, str) else None)
