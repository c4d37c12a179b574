"""The quarterly review over HTTP, with the pages' permissions (reviews.selectors): service
admins every review and every change; team leads read the open and closed reviews' items of
their teams (a change is 403); anyone else sees no review (404). Changes are service calls:
their refusals come back as 400 with the field messages (servicedesk.api)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from servicedesk.api.serializers import ErrorSerializer
from servicedesk.api.views import ApiView
from servicedesk.limits import parse_id

from .. import selectors, services
from ..models import ReviewItem, StandardReview
from .serializers import (
    ConfirmSerializer,
    DecisionSerializer,
    ReviewDetailSerializer,
    ReviewItemSerializer,
    ReviewOpenSerializer,
    ReviewSerializer,
)

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Invalid input (a closed review too); `errors` names "
                                                      "each field."),
    403: OpenApiResponse(ErrorSerializer, description="You may read the review but not change it."),
    404: OpenApiResponse(ErrorSerializer, description="No such review or item, or not yours to see."),
}


@extend_schema_view(
    list=extend_schema(summary="Quarterly reviews of the service standards you may see, newest quarter first",
                       responses={200: ReviewSerializer(many=True)}),
    retrieve=extend_schema(summary="One review with its items and their figures",
                           responses={200: ReviewDetailSerializer, 404: ERRORS[404]}),
)
class ReviewViewSet(ApiView, viewsets.GenericViewSet):
    """The quarterly reviews of the service standards: each quarter's targets against actuals per
    standard version, with a decision each."""

    serializer_class = ReviewSerializer
    queryset = StandardReview.objects.none()  # for the schema; requests go through the selectors
    http_method_names = ["get", "post", "head", "options"]
    pagination_class = None  # four reviews a year

    def get_review(self) -> StandardReview:
        pk = parse_id(self.kwargs.get("pk"))
        if pk is None:
            raise NotFound()
        try:
            return selectors.review_for_user(user=self.request.user, pk=pk)
        except StandardReview.DoesNotExist:
            raise NotFound() from None

    def get_item(self, review: StandardReview) -> ReviewItem:
        pk = parse_id(self.kwargs.get("item_id"))
        if pk is None:
            raise NotFound()
        try:
            return selectors.item_for_user(user=self.request.user, review=review, pk=pk)
        except ReviewItem.DoesNotExist:
            raise NotFound() from None

    def _detail(self, review: StandardReview, code: int = status.HTTP_200_OK) -> Response:
        review = selectors.review_for_user(user=self.request.user, pk=review.pk)
        items = selectors.review_items(user=self.request.user, review=review)
        return Response(ReviewDetailSerializer(review, context={"items": items}).data, status=code)

    def list(self, request: Request) -> Response:
        return Response(ReviewSerializer(selectors.review_list(user=request.user), many=True).data)

    def retrieve(self, request: Request, pk=None) -> Response:
        return self._detail(self.get_review())

    @extend_schema(summary="Open the review of a quarter (service admins): its draft, or a new review; the "
                           "figures are computed now",
                   request=ReviewOpenSerializer, responses={201: ReviewDetailSerializer, 400: ERRORS[400],
                                                            403: ERRORS[403]})
    def create(self, request: Request) -> Response:
        serializer = ReviewOpenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = services.review_open(actor=request.user, quarter=serializer.validated_data["quarter"])
        return self._detail(review, status.HTTP_201_CREATED)

    @extend_schema(summary="Record the decision about one standard version (keep, tighten, loosen, other)",
                   request=DecisionSerializer, responses={200: ReviewItemSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path=r"items/(?P<item_id>[0-9]+)/decision")
    def decision(self, request: Request, pk=None, item_id=None) -> Response:
        review = self.get_review()
        item = self.get_item(review)
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.item_decide(actor=request.user, item=item, **serializer.validated_data)
        return Response(ReviewItemSerializer(selectors.item_for_user(user=request.user, review=review,
                                                                     pk=item.pk)).data)

    @extend_schema(summary="Apply a tighten or loosen decision: the standard's next version, through the "
                           "standards' versioning (tickets already filed keep theirs)",
                   request=ConfirmSerializer, responses={200: ReviewItemSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path=r"items/(?P<item_id>[0-9]+)/apply")
    def apply(self, request: Request, pk=None, item_id=None) -> Response:
        review = self.get_review()
        item = self.get_item(review)
        body = ConfirmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = services.item_apply(actor=request.user, item=item, note=body.validated_data["note"])
        return Response(ReviewItemSerializer(selectors.item_for_user(user=request.user, review=review,
                                                                     pk=item.pk)).data)

    @extend_schema(summary="Close the review: read-only from now on", request=ConfirmSerializer,
                   responses={200: ReviewDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk=None) -> Response:
        review = self.get_review()
        body = ConfirmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        review = services.review_close(actor=request.user, review=review, note=body.validated_data["note"])
        return self._detail(review)
