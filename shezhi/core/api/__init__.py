"""The kernel's REST routers, mounted under /api/v1 by shezhi/api/urls.py."""
