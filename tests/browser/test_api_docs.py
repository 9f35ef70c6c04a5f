"""The API documentation page, as an integrator reads it: Swagger UI from perf's own assets, in Chinese."""

from playwright.sync_api import expect


def test_the_api_page_lists_the_operations_in_chinese(page, shoot):
    page.goto("/api/docs")
    expect(page.locator(".opblock-summary-description", has_text="列出项目").first).to_be_visible()
    expect(page.locator(".opblock-tag", has_text="项目及其绩效目标表").first).to_be_visible()
    shoot(page, "api-docs-01-operations")
    page.locator(".opblock-summary", has_text="/api/v1/projects/{project_id}/return").first.click()
    expect(page.locator(".opblock-description-wrapper", has_text="退回时必须填写审核意见").first).to_be_visible()
    shoot(page, "api-docs-02-return-step")
