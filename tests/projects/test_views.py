"""The read-only pages: department list and the 绩效目标表 laid out as published."""

import re

import pytest


@pytest.fixture
def reviewer(users, login):
    """The test client, signed in as the department's reviewer (sees every project)."""
    return login(users["reviewer"])


def test_index_links_the_department(client, reviewer):
    page = client.get("/").get_data(as_text=True)
    assert "唐山市丰南区行政审批局" in page
    assert "/departments/306/2024" in page
    assert "298.45" in page


def test_index_without_data_says_who_loads_it_without_a_command(client, session, login):
    from perf.auth.models import User

    admin = User(username="only-admin", role="admin", password_hash="x")
    session.add(admin)
    session.flush()
    login(admin)
    page = client.get("/").get_data(as_text=True)
    assert "部门预算公开文件由系统管理员导入" in page
    assert "perf " not in page.replace("perf 预算绩效目标管理", "")  # no command reaches a user


def test_pages_need_sign_in(client, demo):
    response = client.get("/departments/306/2024")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_an_owner_sees_only_the_projects_of_their_units(client, users, login):
    login(users["other_owner"])  # owner of 公交资源交易中心, which holds none of the sample projects
    page = client.get("/departments/306/2024").get_data(as_text=True)
    assert re.findall(r'<td class="code">(\w+)</td>', page) == []
    assert client.get("/projects/2024/13020724P00X4BL10005W").status_code == 403


def test_department_page_lists_the_seven_projects_with_plans(client, reviewer):
    response = client.get("/departments/306/2024")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    rows = re.findall(r'<td class="code">(\w+)</td>', page)
    assert len(rows) == 7
    assert "13020724P00X4BL10005W" in rows
    # budget and 15/30/85/100 of the first project, 30/60/90/100 of the last
    first = page.split("13020724P00X4BL10005W", 1)[1].split("</tr>")[0]
    assert re.findall(r'<td class="num">([\d.]+)</td>', first) == ["28.00", "15", "30", "85", "100"]
    last = page.split("13020724P00P8L210007E", 1)[1].split("</tr>")[0]
    assert re.findall(r'<td class="num">([\d.]+)</td>', last) == ["40.00", "30", "60", "90", "100"]
    assert "298.45" in page and "一致" in page


def test_department_page_pages_its_projects_and_totals_all_of_them(client, reviewer):
    codes = []
    for number in (1, 2, 3):
        page = client.get(f"/departments/306/2024?per_page=3&page={number}").get_data(as_text=True)
        codes += re.findall(r'<td class="code">(\w+)</td>', page)
        assert "合计（7 个项目）" in page and "298.45" in page and "一致" in page  # every project, on every page
        assert f"第 {number} 页，共 7 条" in page
    assert codes == sorted(codes) and len(set(codes)) == 7  # by 项目编码, each once


def test_department_page_runs_a_fixed_number_of_queries(client, reviewer, count_queries):
    with count_queries() as counted:
        client.get("/departments/306/2024")
    # user, page queries (the count, the page, its plans, the total), 已退回 (the last steps and each workflow's
    # states), the unread-message count, the 待办 count (1, whatever the number of projects) and the saved
    # settings its deadlines read (1 a request), the 部门预算表 panel (7: the set, its tables, columns, rows,
    # amounts, checks and findings)
    assert len(counted) <= 21, counted


def test_project_page_merges_level_cells_like_the_published_table(client, reviewer):
    page = client.get("/projects/2024/13020724P00X4BL10005W").get_data(as_text=True)
    assert "“互联网+政务服务”行政审批网络维护费绩效目标表" in page
    assert '<td rowspan="4" class="level">产出指标</td>' in page
    assert '<td rowspan="3" class="level">效益指标</td>' in page
    assert '<td rowspan="1" class="level">满意度指标</td>' in page
    assert page.count('class="level">') == 3 + 8  # 3 一级 cells, 8 二级 cells
    for pct in ("15%", "30%", "85%", "100%"):
        assert f'<td class="num">{pct}</td>' in page
    assert "≤28万元" in page and "定量 · ≤ 28 万元 · 反向" in page
    assert "长期使用" in page and ">定性<" in page


def test_project_page_merges_repeated_level2_within_a_level1(client, reviewer):
    # 劳务派遣 lists 产出指标 four times with different 二级: one 一级 cell of 4 rows
    page = client.get("/projects/2024/13020724P00J22H100076").get_data(as_text=True)
    assert '<td rowspan="4" class="level">产出指标</td>' in page


@pytest.mark.parametrize("path", ["/projects/2024/NOPE", "/departments/999/2024", "/departments/306/2023"])
def test_unknown_pages_are_404_in_chinese(client, reviewer, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "页面不存在" in response.get_data(as_text=True)


def test_pages_load_nothing_from_outside(client, reviewer):
    for path in ("/", "/departments/306/2024", "/projects/2024/13020724P00X4BL10005W"):
        page = client.get(path).get_data(as_text=True)
        assert not re.search(r'(src|href)="(https?:)?//', page), path
    css = client.get("/static/css/perf.css")
    assert css.status_code == 200 and b"@import" not in css.data and b"url(" not in css.data


def test_the_favicon_is_served_at_the_root_and_named_by_every_page(client, reviewer):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/vnd.microsoft.icon"
    assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    page = client.get("/").get_data(as_text=True)
    assert '<link rel="icon" href="/static/favicon.ico"' in page
    assert client.get("/static/favicon.ico").status_code == 200
