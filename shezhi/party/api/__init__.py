"""/api/v1/party: one Router per file of this package, gathered here and mounted once in
shezhi/api/urls.py."""

from ninja import Router

from .coverage import router as coverage_router
from .members import router as members_router
from .organizations import router as organizations_router

router = Router()
router.add_router("", organizations_router)
router.add_router("", members_router)
router.add_router("", coverage_router)
