"""Spending alerts: the scan's alert bookkeeping, the notification outbox and its delivery, the scheduler
jobs, the in-app inbox and the department dashboard of lights."""
