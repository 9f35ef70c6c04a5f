"""The workflow engine: declared transition tables for everything submitted and reviewed, the step
events they record, the versions they keep, and what each state locks."""
