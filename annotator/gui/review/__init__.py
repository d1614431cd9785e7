"""Review mode: colleagues' annotation sets side by side, their differences settled into a gold set."""
