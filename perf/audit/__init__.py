"""The audit log: every write that matters, who made it and when, with the values before and after."""
