"""The API documentation page speaks Chinese: every operation, every tag and the fields people read most."""

import re

import pytest

CJK = re.compile(r"[\u3400-\u9fff]")
METHODS = {"get", "put", "post", "delete", "patch"}
#: The fields integrators read and write most: the 绩效目标表 and its rows, payments, the caller.
MOST_USED = ("TargetTable", "IndicatorRow", "ProjectSummary", "PlanPoint", "Payment", "Me", "Year", "Checkpoint")


@pytest.fixture
def document(client):
    return client.get("/api/openapi.json").get_json()


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", operation


def test_every_operation_has_a_chinese_summary_and_description(document):
    found = dict(operations(document))
    assert len(found) >= 39
    no_summary = [name for name, op in found.items() if not CJK.search(op.get("summary", ""))]
    no_description = [name for name, op in found.items() if not CJK.search(op.get("description", ""))]
    assert no_summary == [] and no_description == []


def test_the_english_notes_for_developers_stay_out_of_the_document(document):
    for name, operation in operations(document):
        text = operation["summary"] + operation["description"]
        assert "---" not in text, name
        assert not re.search(r"\b(the|caller|owner|reviewer)\b", text), name


def test_every_tag_is_described_in_chinese(document):
    tags = {tag["name"]: tag.get("description", "") for tag in document["tags"]}
    used = {tag for _name, operation in operations(document) for tag in operation["tags"]}
    assert used <= set(tags)
    assert [name for name, description in tags.items() if not CJK.search(description)] == []


def test_the_most_used_schemas_describe_their_fields_in_chinese(document):
    schemas = document["components"]["schemas"]
    bare = {
        name: [f for f, spec in schemas[name]["properties"].items() if not CJK.search(spec.get("description", ""))]
        for name in MOST_USED
    }
    bare["Payment"] = [field for field in bare["Payment"] if field != "id"]  # the path says which payment
    assert bare == {name: [] for name in MOST_USED}


def test_a_workflow_step_says_who_takes_it_and_what_it_needs(document):
    returning = document["paths"]["/api/v1/projects/{project_id}/return"]["post"]
    assert returning["summary"] == "退回修改（绩效目标表）"
    assert "本部门的财务审核" in returning["description"]
    assert "退回时必须填写审核意见" in returning["description"] and "422" in returning["description"]
    assert returning["operationId"] == "return_project"  # the contract does not change
