"""The mid-year 绩效运行监控 round (default 7月31日): the owner's entries per indicator, their lights, the
监控表 page and XLSX, and the department overview."""
