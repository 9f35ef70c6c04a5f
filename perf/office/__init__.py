"""The office layer: each person's 待办 (what waits for them), the message every workflow step sends,
and the reminders and escalations when work is late (``perf todo``, ``perf remind``, the home page).
"""
