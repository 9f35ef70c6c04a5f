"""API tokens on the 我的账户 page (blueprint ``api_tokens``): create one, its secret shown once; revoke one's own."""

from flask import Blueprint, abort, flash, redirect, url_for
from flask_login import current_user

from perf.auth import tokens
from perf.auth.forms import PasswordForm, TokenForm
from perf.auth.permissions import Perm, require
from perf.auth.views import account_page
from perf.boundary import refusal

bp = Blueprint("api_tokens", __name__)


@bp.post("/account/tokens")
@require(Perm.ACCOUNT)
def create():
    """Create an API token and show its secret in this answer only."""
    form = TokenForm()
    if form.validate_on_submit():
        with refusal(form):
            _, secret = tokens.create_token(_me(), form.name.data)
            return account_page(PasswordForm(formdata=None), TokenForm(formdata=None), secret)
    return account_page(PasswordForm(formdata=None), form)


@bp.post("/account/tokens/<int:token_id>/revoke")
@require(Perm.ACCOUNT)
def revoke(token_id: int):
    """Revoke one of one's own tokens (404 for anyone else's)."""
    token = tokens.token_of(_me(), token_id) or abort(404)
    tokens.revoke_token(token, _me().username)
    flash(f"已吊销 API 令牌“{token.name}”")
    return redirect(url_for("auth.account", _anchor="api-tokens"))


def _me():
    return current_user._get_current_object()
