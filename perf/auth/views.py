"""Sign in and out, one's account, and the admin's user pages."""

from flask import Blueprint

bp = Blueprint("auth", __name__)
