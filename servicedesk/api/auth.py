"""API tokens: obtain one with a username and password, list or revoke one's own.

A user has at most one token (DRF's `authtoken`); the profile page lists and revokes it
through `GET/DELETE /api/v1/auth/tokens/`. Only a short prefix of the key is ever shown
after it was issued.

The token endpoint is a sign-in: it shares the login page's lock (teams.signin). A user
name locked from the client's address gets a 429 with a `detail` sentence and
`Retry-After`, even with the right password, until the lock runs out.
"""

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from teams import signin
from teams.services import user_token_issue, user_token_revoke

from . import fields
from .serializers import ErrorSerializer
from .views import ApiView

KEY_PREFIX_LENGTH = 6


class SignInLocked(exceptions.APIException):
    """Too many failed sign-ins for this user name from this address (HTTP 429)."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"

    def __init__(self, *, minutes: int, wait: int):
        super().__init__(ngettext(
            "Too many failed sign-ins for this user name from this address. Try again in %(minutes)d minute.",
            "Too many failed sign-ins for this user name from this address. Try again in %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes})
        # DRF's handler turns `wait` into a Retry-After header.
        self.wait = wait


# --- serializers -------------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    username = fields.LineField(max_length=150)
    password = fields.StringField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


class TokenInfoSerializer(serializers.Serializer):
    key_prefix = serializers.CharField(help_text="The first characters of the key, to recognise it.")
    created = serializers.DateTimeField()


# --- views -------------------------------------------------------------------------------


class TokenObtainView(ApiView, APIView):
    """Exchange a username and password for an API token (`Authorization: Token <key>`)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="auth_token_obtain",
        tags=["auth"],
        auth=[],
        request=TokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Wrong user name or password."),
            429: OpenApiResponse(ErrorSerializer, description="Too many failed sign-ins for this user name from "
                                 "this address (locked for a while, see `Retry-After`), or too many requests."),
        },
        examples=[OpenApiExample("credentials", value={"username": "alice", "password": "…"}, request_only=True)],
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        username = serializer.validated_data["username"]
        # django-axes counts a failure (or refuses a locked user name) inside authenticate,
        # and marks the request it was given.
        user = authenticate(request=request, username=username, password=serializer.validated_data["password"])
        address = signin.client_ip(request)
        if getattr(request, "axes_locked_out", False):
            remaining = signin.lock_remaining(username=username, ip_address=address)
            raise SignInLocked(minutes=signin.lock_minutes(remaining), wait=max(1, int(remaining.total_seconds())))
        if user is None or not user.is_active:
            raise serializers.ValidationError({"non_field_errors": [_("Unable to sign in with these credentials.")]})
        signin.signin_failures_reset(username=username, ip_address=address)
        token = user_token_issue(user=user)
        return Response({"token": token.key})


class TokenListView(ApiView, APIView):
    """The signed-in user's API token (a prefix only) and its revocation."""

    pagination_class = None

    @extend_schema(operation_id="auth_tokens_list", tags=["auth"], responses={200: TokenInfoSerializer(many=True)})
    def get(self, request: Request) -> Response:
        tokens = Token.objects.filter(user=request.user)
        data = [{"key_prefix": t.key[:KEY_PREFIX_LENGTH], "created": t.created} for t in tokens]
        return Response(TokenInfoSerializer(data, many=True).data)

    @extend_schema(operation_id="auth_tokens_revoke", tags=["auth"], request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        user_token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
