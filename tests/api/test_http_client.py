"""The issue's "done": a client that knows only the OpenAPI document, talking HTTP to a live perf.

It finds every operation by its operationId in /api/openapi.json, then lists the sample
projects, posts 1,000 payments in one request, runs a scan for 2024-07-01, reads the
lagging projects and answers an alert. Its tokens are the owner's and the admin's (the
scan is the admin's to run), as those people would create them on their account pages.
"""

import requests

JSON = "application/json"


class Client:
    """Calls operations by operationId, as the document describes them."""

    def __init__(self, base: str, token: str, document: dict):
        self.base, self.session = base, requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.operations = {
            operation["operationId"]: (method.upper(), path)
            for path, item in document["paths"].items()
            for method, operation in item.items()
            if isinstance(operation, dict) and "operationId" in operation
        }

    def __call__(self, operation_id: str, *, json=None, params=None, **path) -> requests.Response:
        method, path_template = self.operations[operation_id]
        url = self.base + path_template.format(**path)
        return self.session.request(method, url, json=json, params=params, timeout=120)


def test_a_client_that_knows_only_the_document(client_server):
    document = requests.get(f"{client_server.url}/api/openapi.json", timeout=30).json()
    owner = Client(client_server.url, client_server.tokens["owner"], document)
    admin = Client(client_server.url, client_server.tokens["admin"], document)

    projects = owner("list_projects", params={"year": 2024, "per_page": 100})
    assert projects.status_code == 200 and projects.headers["Content-Type"].startswith(JSON)
    listed = projects.json()
    assert listed["total"] == 7 and len(listed["items"]) == 7
    first = min(listed["items"], key=lambda p: p["code"])
    assert first["total"] == "50.00"  # decimals as strings

    payments = [
        {
            "project_code": first["code"],
            "date": f"2024-06-{1 + n % 28:02d}",
            "amount_yuan": "10.00",
            "voucher_no": f"GK2024-{n:04d}",
            "note": "国库集中支付",
        }
        for n in range(1000)
    ]
    posted = owner("create_payments", json={"payments": payments})
    assert posted.status_code == 201, posted.text
    assert posted.json()["created"] == 1000 and posted.json()["total"] == "10000.00"
    stored = owner("list_payments", params={"project_id": first["id"], "per_page": 1}).json()
    assert stored["total"] == 1000

    scan = admin("run_scan", json={"as_of": "2024-07-01"})
    assert scan.status_code == 201, scan.text
    assert scan.json()["run"]["as_of"] == "2024-07-01" and scan.json()["opened"] >= 1

    lagging = owner("scan_statuses", as_of="2024-07-01", params={"lagging": "true", "per_page": 100}).json()
    assert lagging["total"] >= 1
    assert all(status["level"] in ("yellow", "red") for status in lagging["items"])
    mine = [status for status in lagging["items"] if status["project_id"] == first["id"]]
    assert all(status["paid_yuan"] == "10000.00" for status in mine)

    alerts = owner("list_alerts", params={"status": "open", "kind": "lag"}).json()
    assert alerts["total"] >= 1
    alert = alerts["items"][0]
    answer = {"reason": "项目合同7月签订", "measures": "8月集中支付", "catch_up_on": "2024-09-30"}
    answered = owner("answer_alert", alert_id=alert["id"], json=answer)
    assert answered.status_code == 200, answered.text
    assert answered.json()["status"] == "answered" and answered.json()["reason"] == answer["reason"]

    refused = owner("answer_alert", alert_id=alert["id"], json={"reason": ""})
    assert refused.status_code == 422
    assert set(refused.json()) == {"code", "message", "errors"} and refused.json()["errors"]["reason"] == ["不能为空"]
