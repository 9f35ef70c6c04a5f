"""People and what they may do: users and roles, sign-in, the permission table and object checks, API tokens
and the account and user pages."""
