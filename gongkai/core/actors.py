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
