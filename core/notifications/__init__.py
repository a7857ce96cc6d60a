"""Notifications: see core/notifications/api.py."""
