"""The department's budget tables: the 部门预算 tables of its 部门预算公开 (收支总表 … “三公”经费支出表) as
imported, amounts in 万元 to six places, with the cross-check findings of that import; the department
page shows them. Reading and checking a document is perf.documents' (budget_tables, budget_checks);
this room stores what it read and shows it."""
