"""The year-end self-evaluation (绩效自评): scoring as pure rules, the owner's entries, the reviewer's
sign-off through the workflow engine, and its reports (自评表, department summary)."""
