"""Deliver queued notifications after the scan has committed: claim, send, mark; retry on failure.

This is a boundary job (it commits): each message is claimed with a compare-and-set
update and committed before it is sent, so two senders never take the same row; a
message is marked sent right after the server accepted it. A sender that dies between
the two leaves a claim that is taken over after CLAIM_TIMEOUT: that is the one window in
which a message could go out twice, and the Message-ID lets mail servers drop the copy.
"""

import json
import smtplib
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formataddr

from sqlalchemy import or_, select, update

from perf import tunables
from perf.alerts.models import Notification
from perf.db import utcnow
from perf.extensions import db
from perf.fields import CONTROL

CLAIM_TIMEOUT = timedelta(minutes=10)


@dataclass
class DeliveryReport:
    """What one delivery round did."""

    sent: list[int] = field(default_factory=list)
    retried: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def deliver_pending(limit: int = 200) -> DeliveryReport:
    """Send what is due; commits after each claim and each result."""
    report = DeliveryReport()
    for notification_id in _due_ids(limit):
        token = uuid.uuid4().hex
        if not _claim(notification_id, token):
            continue
        notification = db.session.get(Notification, notification_id)
        try:
            send(notification)
        except Undeliverable as error:  # no retry can send it: failed now, with the reason
            _failed(notification, str(error), report, final=True)
        except (OSError, smtplib.SMTPException, ValueError) as error:
            _failed(notification, _reason(error), report)
        else:
            notification.status, notification.sent_at, notification.claim_token = "sent", utcnow(), None
            notification.attempts += 1
            report.sent.append(notification_id)
        db.session.commit()
    return report


def _due_ids(limit: int) -> list[int]:
    now = utcnow()
    return list(
        db.session.scalars(
            select(Notification.id)
            .where(
                or_(
                    (Notification.status == "pending") & (Notification.next_attempt_at <= now),
                    (Notification.status == "sending") & (Notification.claimed_at < now - CLAIM_TIMEOUT),
                )
            )
            .order_by(Notification.id)
            .limit(limit)
        )
    )


def _claim(notification_id: int, token: str) -> bool:
    """Take the row for this sender unless another sender has it; committed before sending."""
    now = utcnow()
    done = db.session.execute(
        update(Notification)
        .where(
            Notification.id == notification_id,
            or_(
                Notification.status == "pending",
                (Notification.status == "sending") & (Notification.claimed_at < now - CLAIM_TIMEOUT),
            ),
        )
        .values(status="sending", claim_token=token, claimed_at=now)
    ).rowcount
    db.session.commit()
    return bool(done)


class Undeliverable(ValueError):
    """A message no retry can send (an address that cannot be one); its text is the reason, in Chinese."""


def one_line(text: str) -> str:
    """``text`` as a header value (CR and LF would start another header): every control character a space,
    runs of blanks (Unicode line separators included) one space."""
    return " ".join(CONTROL.sub(" ", text or "").split())


def _reason(error: Exception) -> str:
    """Why a send failed, in Chinese, with the server's or the system's own words after it."""
    if isinstance(error, smtplib.SMTPException):
        return f"邮件服务器拒绝：{error}"
    if isinstance(error, OSError):
        return f"无法连接到服务器：{error}"
    return str(error)


def _failed(notification: Notification, error: str, report: DeliveryReport, final: bool = False) -> None:
    """Back off and try again later, or give up after DELIVERY_ATTEMPTS (at once when ``final``)."""
    config = tunables.config()
    notification.attempts += 1
    notification.last_error = error[:2000]
    notification.claim_token = None
    if final or notification.attempts >= config["DELIVERY_ATTEMPTS"]:
        notification.status = "failed"
        report.failed.append(notification.id)
        return
    wait = config["DELIVERY_RETRY_SECONDS"] * 2 ** (notification.attempts - 1)
    notification.status = "pending"
    notification.next_attempt_at = utcnow() + timedelta(seconds=wait)
    report.retried.append(notification.id)


def send(notification: Notification) -> None:
    """Send one message over its channel; raise on failure."""
    if notification.channel == "email":
        send_email(notification)
    else:
        send_webhook(notification)


def send_email(notification: Notification) -> None:
    """One e-mail over the configured SMTP server."""
    config = tunables.config()
    if not config["MAIL_HOST"]:
        raise ValueError("未配置邮件服务器（PERF_MAIL_HOST）")
    address = (notification.address or "").strip()
    if one_line(address) != address or "@" not in address or " " in address:
        raise Undeliverable(f"收件地址无效（{one_line(address)[:100] or '空'}）：不是一个邮件地址，请在用户资料中改正")
    message = EmailMessage()
    message["Subject"] = one_line(notification.subject)
    message["From"] = formataddr(("perf 预算绩效目标管理", config["MAIL_FROM"]))
    message["To"] = address
    message["Message-ID"] = f"<perf-notification-{notification.id}@{config['MAIL_FROM'].split('@')[-1]}>"
    message.set_content(notification.body)
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(config["MAIL_HOST"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def webhook_payload(notification: Notification, fmt: str) -> dict:
    """The JSON body: 企业微信 and 钉钉 group robots both accept the ``text`` message type."""
    content = f"{notification.subject}\n{notification.body}"
    if fmt in ("wecom", "dingtalk"):
        return {"msgtype": "text", "text": {"content": content}}
    return {"subject": notification.subject, "body": notification.body, "alert_id": notification.alert_id}


def send_webhook(notification: Notification) -> None:
    """POST the message as JSON; a non-2xx answer or a robot's errcode counts as failure."""
    config = tunables.config()
    data = json.dumps(webhook_payload(notification, config["WEBHOOK_FORMAT"]), ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        notification.address, data=data, headers={"Content-Type": "application/json; charset=utf-8"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=config["MAIL_TIMEOUT"]) as response:
        answer = response.read()
    try:
        errcode = json.loads(answer or b"{}").get("errcode", 0)
    except (ValueError, AttributeError):
        errcode = 0
    if errcode:
        raise ValueError(f"webhook answered errcode {errcode}")
