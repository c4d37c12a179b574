from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("kb/articles", views.ArticleViewSet, basename="api-kb-article")

urlpatterns = router.urls
