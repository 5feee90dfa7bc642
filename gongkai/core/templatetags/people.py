"""``{% load people %}``: ``{{ user|display_name }}`` shows a staff member by name
(:func:`gongkai.core.actors.display_name`); ``{{ event|actor_name }}`` shows who made a recorded step: the
person's current name, or the label stored with the step when the user no longer exists, ``""`` for the
system."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.auth.models import AbstractBaseUser

from gongkai.core import actors

register = template.Library()


@register.filter
def display_name(user: Any) -> str:
    return actors.display_name(user) if isinstance(user, AbstractBaseUser) else ""


@register.filter
def actor_name(event: Any) -> str:
    """Who made ``event`` (anything with ``actor`` and ``actor_label``, as case and catalogue events)."""
    user = getattr(event, "actor", None)
    if isinstance(user, AbstractBaseUser):
        return actors.display_name(user)
    return str(getattr(event, "actor_label", "") or "")
