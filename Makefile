.PHONY: run test

run:  ## set up, load the sample department and serve perf
	@scripts/run.sh

test:  ## set up and run the whole suite on SQLite and PostgreSQL
	@scripts/test.sh
