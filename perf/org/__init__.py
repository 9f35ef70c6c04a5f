"""The organisation: budget years with their checkpoints, departments, their units and stated totals."""
