"""Flask extensions, created unbound and attached to each app in ``create_app``.

Flask-Babel is the exception: its ``Babel`` object caches merged catalogs by
locale, and apps with different plugins have different catalogs, so each app
gets its own (see ``core.app._init_extensions``).

Keeping them here (and only here) lets models and views import ``db`` without
importing the application, and lets tests build many apps in one process.
"""
from flask_htmx import HTMX
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base shared by core and plugin models."""


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
htmx = HTMX()
# Limits are declared per view (login, registration, reset, posting: see core/ratelimits.py);
# nothing is limited by default so ordinary browsing never hits a 429.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
