"""The core's pages, one blueprint per area: auth, account, following, projects, manage, admin, legal, errors."""
from flask import Flask


def register_core_views(app: Flask) -> None:
    from . import account, admin, auth, errors, following, legal, manage, projects

    app.register_blueprint(auth.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(following.bp)
    app.register_blueprint(legal.bp)
    app.register_blueprint(projects.bp)
    app.register_blueprint(manage.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(manage.export_bp)
    from ..notifications.views import bp as notifications_bp
    from ..results.views import bp as results_bp

    app.register_blueprint(results_bp)

    app.register_blueprint(notifications_bp)
    from ..search.views import bp as search_bp

    app.register_blueprint(search_bp)
    errors.register(app)
