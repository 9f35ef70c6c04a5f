"""Actual values (实际完成值): the model, the rules an entry meets, setting one or many, reading the latest
of many projects at once, their CSV/XLSX import and the 实际完成值 page."""
