"""The app as gunicorn serves it, but with the comments plugin's notifications switched off.

The baseline of ``bench/notifications.py``: the same replies, nobody told.
Run as ``gunicorn --chdir bench app_without_notifications:app``.
"""
from core import create_app
from plugins.comments import notifications

notifications.prepare_comment = lambda *args, **kwargs: (lambda: None)
app = create_app()
