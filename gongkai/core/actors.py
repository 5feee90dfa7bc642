"""Who acts: the one ``Actor`` type of every service, and the one way to turn it into a user.

A service is called by a signed-in user, by an anonymous visitor (the public forms), or by the system itself
(``None``: commands, the demo, data migrations). The audit log and every ``created_by``/``decided_by``
column store the user, or nothing.
"""

from __future__ import annotations

from typing import cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User

#: The user who acts, an anonymous visitor, or ``None`` for the system itself.
Actor = AbstractBaseUser | AnonymousUser | None


def user_of(actor: Actor) -> User | None:
    """The signed-in user behind ``actor``; ``None`` for the system or an anonymous visitor.

    AUTH_USER_MODEL is django.contrib.auth's ``User``: any authenticated user is one.
    """
    return cast(User, actor) if actor is not None and actor.is_authenticated else None


def display_name(user: AbstractBaseUser | None) -> str:
    """How a staff member is shown on every page and letter: the person's name, the user name when no name
    is recorded, ``""`` for nobody (the system). Pages show people, not log-in names ("王芳", not
    "officer1"). A Chinese name is written family name first ("王" + "芳"); any other is Django's
    ``get_full_name()`` (the demo and most sites keep the whole Chinese name in ``first_name``)."""
    if user is None:
        return ""
    family = str(getattr(user, "last_name", "") or "").strip()
    given = str(getattr(user, "first_name", "") or "").strip()
    if any("\u4e00" <= ch <= "\u9fff" for ch in family + given):
        return f"{family}{given}"
    full_name = getattr(user, "get_full_name", None)
    name = full_name().strip() if callable(full_name) else ""
    return name or user.get_username()
