"""Org: units, people, memberships (people and memberships as far as the reader's scope; the office writes)."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from workflows.org.models import Membership, Role, Unit, UnitKind
from workflows.plans.scope import memberships_visible, people_visible
from workflows.processes.services.handover import membership_end, person_deactivate

from .common import get_in_scope, list_create_view, require_office, user_by_name
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
            raise serializers.ValidationError(_("a unit cannot be placed under itself or one of its own units"))
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
        """End the membership; the tasks the person holds in the unit go back to the unit's pool."""
        membership = get_in_scope(Membership.objects.all(), pk, "membership")
        require_office(request)
        membership_end(membership=membership, actor=request.user)
        return Response(status=204)


class HandoverIn(serializers.Serializer):
    successor = serializers.CharField(max_length=150, required=False, allow_blank=True,
                                      help_text="username of who takes over the tasks (none: back to the unit's pool)")
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


class HandoverOut(serializers.Serializer):
    handed_back = serializers.IntegerField(help_text="tasks back in their unit's pool")
    handed_over = serializers.IntegerField(help_text="tasks now held by the successor")


def _handover_args(request) -> dict:
    body = HandoverIn(data=request.data)
    body.is_valid(raise_exception=True)
    name = body.validated_data.get("successor")
    return {"successor": user_by_name(name) if name else None, "reason": body.validated_data.get("reason", ""),
            "actor": request.user}


class MembershipEndView(APIView):
    @extend_schema(request=HandoverIn, responses={200: HandoverOut, **errors(400, 403, 404)})
    def post(self, request, pk: int):
        """The office ends a membership: the tasks the person holds in the unit go to the successor, else
        back to the unit's pool; the membership is kept as ended (loading the plan again does not restore it)."""
        membership = get_in_scope(Membership.objects.all(), pk, "membership")
        require_office(request)
        return Response(HandoverOut(membership_end(membership=membership, **_handover_args(request))).data)


class PersonDeactivateView(APIView):
    @extend_schema(request=HandoverIn, responses={200: HandoverOut, **errors(400, 403, 404)})
    def post(self, request, pk: int):
        """The office deactivates a person: no sign-in, and every task they hold goes to the successor,
        else back to its unit's pool."""
        person = get_in_scope(people_visible(request.user), pk, "person")
        require_office(request)
        return Response(HandoverOut(person_deactivate(user=person, **_handover_args(request))).data)
