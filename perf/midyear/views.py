"""Pages of the mid-year monitoring round (blueprint ``midyear``)."""

from flask import Blueprint

bp = Blueprint("midyear", __name__)
