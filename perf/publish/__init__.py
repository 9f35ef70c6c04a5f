"""Publishing back: a department's 绩效目标表 of one year written out in the layouts perf reads in, the
部门预算公开 section as Word and the flat 一体化 table as Excel (``perf export-disclosure``, the department page)."""
