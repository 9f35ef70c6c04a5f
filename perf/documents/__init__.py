"""Every file reader: the 部门预算公开 document (.docx or its text export) and the tabular CSV/XLSX reader
that payments and actual values go through, plus the disclosure import and the bundled sample."""
