"""The baseline for bench/commenting.py: the smallest Flask app, served by the same gunicorn settings.

Its throughput is what "as fast as Flask gets on this machine" means; the
benchmark reports Mitsprache's pages as a fraction of it.
"""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "<!doctype html><title>Hello</title><p>Hello, world.</p>"
