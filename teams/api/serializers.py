"""Shapes of people, teams and departments in the API."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from teams.models import Department, Membership, Team, User


class UserSummarySerializer(serializers.ModelSerializer):
    """A person as other records mention them (requester, assignee, author, actor)."""

    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "display_name"]
        read_only_fields = fields


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "code"]
        read_only_fields = fields


class TeamSerializer(serializers.ModelSerializer):
    lead = UserSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = Team
        fields = ["id", "name", "slug", "email", "description", "lead", "is_active"]
        read_only_fields = fields


class TeamSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name"]
        read_only_fields = fields


class MemberSerializer(serializers.ModelSerializer):
    """A member of a service team, with their role in it."""

    id = serializers.IntegerField(source="user.id", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    display_name = serializers.CharField(source="user.display_name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "username", "display_name", "role", "is_available"]
        read_only_fields = fields


class MyMembershipSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="team.id", read_only=True)
    name = serializers.CharField(source="team.name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "name", "role"]
        read_only_fields = fields


class MeSerializer(serializers.ModelSerializer):
    """The signed-in user: who they are and which roles they hold."""

    display_name = serializers.CharField(read_only=True)
    department = DepartmentSerializer(read_only=True, allow_null=True)
    is_service_admin = serializers.SerializerMethodField()
    teams = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "email", "first_name", "last_name", "department",
                  "timezone", "language", "is_service_admin", "teams"]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_is_service_admin(self, user: User) -> bool:
        return user.is_admin_role

    @extend_schema_field(MyMembershipSerializer(many=True))
    def get_teams(self, user: User) -> list:
        return MyMembershipSerializer(self.context["memberships"], many=True).data
