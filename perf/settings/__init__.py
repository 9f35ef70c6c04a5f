"""Settings as data: the rules a finance bureau tunes, saved by the admin (the ``setting`` table) over the
environment's defaults, one schema per setting, the 系统设置 page, its preview, test message and JSON export."""
