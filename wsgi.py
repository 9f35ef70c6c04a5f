from perf import create_app

app = create_app()
