"""Org: units, people, memberships (people and memberships as far as the reader's scope; the office writes)."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows.org.models import Membership, Role, Unit, UnitKind
from workflows.plans.scope import memberships_visible, people_visible

from .common import get_in_scope, list_create_view, require_office
from .schemas import errors


class UnitSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", queryset=Unit.objects.all(), allow_null=True,
                                          required=False)
    kind = serializers.ChoiceField(choices=UnitKind.choices)

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "kind", "parent"]

    def validate_parent(self, parent):
        """No loops in the tree: walks down the units (e.g. a bulletin's recipients) would never end."""
        if parent is not None and self.instance is not None and \
                self.instance.pk in {unit.pk for unit in parent.ancestors_and_self()}:
            raise serializers.ValidationError("a unit cannot be placed under itself or one of its own units")
        return parent


class PersonSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="first_name", required=False, allow_blank=True, max_length=150)
    password = serializers.CharField(write_only=True, required=False, min_length=8, max_length=128)

    class Meta:
        model = get_user_model()
        fields = ["id", "username", "name", "email", "password"]

    def create(self, validated):
        password = validated.pop("password", None)
        user = get_user_model()(**validated)
        user.set_password(password) if password else user.set_unusable_password()
        user.save()
        return user


class MembershipSerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", queryset=get_user_model().objects.all())
    unit = serializers.SlugRelatedField(slug_field="code", queryset=Unit.objects.all())
    role = serializers.ChoiceField(choices=Role.choices)

    class Meta:
        model = Membership
        fields = ["id", "user", "unit", "role"]
        validators = [serializers.UniqueTogetherValidator(queryset=Membership.objects.all(),
                                                          fields=["user", "unit", "role"])]


UnitList = list_create_view(lambda request: Unit.objects.select_related("parent").order_by("code"), UnitSerializer,
                       "Units (bureau, office, departments, schools…).")
PersonList = list_create_view(lambda request: people_visible(request.user).order_by("username"), PersonSerializer,
                              "People: the office and the leading group see everyone, others the people of their "
                              "units and the units below them.")
MembershipList = list_create_view(
    lambda request: memberships_visible(request.user).select_related("user", "unit").order_by("id"),
    MembershipSerializer, "Who holds which role in which unit (as far as the people one sees).")


class UnitView(APIView):
    @extend_schema(responses={200: UnitSerializer, **errors(404)})
    def get(self, request, pk: int):
        return Response(UnitSerializer(get_in_scope(Unit.objects.all(), pk, "unit")).data)

    @extend_schema(request=UnitSerializer, responses={200: UnitSerializer, **errors(400, 403, 404)})
    def patch(self, request, pk: int):
        unit = get_in_scope(Unit.objects.all(), pk, "unit")
        require_office(request)
        body = UnitSerializer(unit, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        return Response(UnitSerializer(body.save()).data)


class MembershipView(APIView):
    @extend_schema(responses={204: None, **errors(403, 404)})
    def delete(self, request, pk: int):
        membership = get_in_scope(Membership.objects.all(), pk, "membership")
        require_office(request)
        membership.delete()
        return Response(status=204)
