"""The mid-year 绩效运行监控 round (default 7月31日): per-indicator lights and the 监控表."""
