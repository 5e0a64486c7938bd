"""The ordered roles, below the models that store them and the permission table that reads them."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    MEMBER = "member"
    FACILITATOR = "facilitator"
    MODERATOR = "moderator"
    ADMIN = "admin"
