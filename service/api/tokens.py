"""API tokens: they expire DUBAN_TOKEN_DAYS after issue and are revoked when the password changes or the
user is deactivated (receivers wired by service.apps, for every save of a user: admin, commands, services)."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from rest_framework.authtoken.models import Token

CREDENTIAL_FIELDS = {"password", "is_active"}


def token_expired(token: Token) -> bool:
    return token.created < timezone.now() - dt.timedelta(days=settings.DUBAN_TOKEN_DAYS)


def token_for(user: AbstractBaseUser) -> Token:
    """The user's token; an expired one is replaced by a new key."""
    token, created = Token.objects.get_or_create(user=user)
    if not created and token_expired(token):
        token.delete()
        token = Token.objects.create(user=user)
    return token


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def note_credential_change(sender, instance, raw: bool = False, update_fields=None, **kwargs) -> None:
    """Compare the stored password hash and is_active with the ones about to be saved.

    Any new hash counts, a hasher upgrade at sign-in too: revoking once too often is the safe side.
    """
    instance._revoke_tokens = False
    if raw or instance.pk is None or (update_fields is not None and not CREDENTIAL_FIELDS & set(update_fields)):
        return
    stored = sender._default_manager.filter(pk=instance.pk).values_list("password", "is_active").first()
    if stored is not None:
        password, active = stored
        instance._revoke_tokens = password != instance.password or (active and not instance.is_active)


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def revoke_tokens(sender, instance, **kwargs) -> None:
    if getattr(instance, "_revoke_tokens", False):
        Token.objects.filter(user=instance).delete()
        instance._revoke_tokens = False
