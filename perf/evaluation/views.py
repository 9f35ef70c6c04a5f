"""Pages of the year-end self-evaluation and of actual values (blueprint ``evaluation``)."""

from flask import Blueprint

bp = Blueprint("evaluation", __name__)
