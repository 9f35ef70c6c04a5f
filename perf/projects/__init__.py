"""Projects and their 绩效目标表: the model, the one table schema, the 指标值 parser, the 指标库, the table's
writes and pages, and the panels other rooms add to the project page."""
