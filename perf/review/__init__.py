"""Target review (目标审核): the automatic review rules over a 绩效目标表, the table's declared workflow
(草稿 → 已提交 → 已批复, 调整), the review queue, kept versions side by side and the audit page."""
