"""The OpenAPI document (/api/openapi.json) and its interactive page (/api/docs), from perf's own assets."""

from flask import Blueprint, current_app, jsonify, render_template

from perf.auth.permissions import public

bp = Blueprint("api_docs", __name__)


@bp.get("/api/openapi.json")
@public
def openapi_json():
    """The OpenAPI 3 document of /api/v1."""
    return jsonify(current_app.extensions["perf-api"].spec.to_dict())


@bp.get("/api/docs")
@public
def docs():
    """Swagger UI over the document, served from perf/static/vendor (no CDN)."""
    return render_template("api/docs.html")
