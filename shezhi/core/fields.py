"""Model fields for personal data: encrypted at rest, hashed for lookup, masked for display."""

from __future__ import annotations

from typing import Any

from django.db import models

from . import crypto
from .personal_data import VALIDATORS, PersonalKind, normalize


class EncryptedField(models.TextField):
    """Holds a Fernet token in the database and the plaintext on the instance.

    Plaintext lookups would never match a randomized token, so only `isnull` is allowed; find
    rows through the sibling `BlindIndexField` instead (see `Model.objects.filter(x_hash=...)`).
    """

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        self.kind = kind
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["kind"] = self.kind
        return name, path, args, kwargs

    def get_lookup(self, lookup_name: str) -> Any:
        return super().get_lookup(lookup_name) if lookup_name == "isnull" else None

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return crypto.decrypt(value) if value else value

    def to_python(self, value: Any) -> str | None:
        # Backups carry tokens (see value_to_string); restoring turns them back into plaintext.
        if isinstance(value, str) and value.startswith(crypto.TOKEN_PREFIX):
            return crypto.decrypt(value)
        return normalize(self.kind, value) if value else value

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        return crypto.encrypt(normalize(self.kind, value)) if value else value

    def value_to_string(self, obj: models.Model) -> str:
        # Serialized dumps (backups) never hold plaintext personal data.
        value = self.value_from_object(obj)
        return crypto.encrypt(value) if value else ""

    def validate(self, value: Any, model_instance: models.Model | None) -> None:
        super().validate(value, model_instance)
        validator = VALIDATORS.get(PersonalKind(self.kind)) if value else None
        if validator is not None:
            validator(value)


class BlindIndexField(models.CharField):
    """The keyed hash of an `EncryptedField` on the same model, kept in step on every save."""

    def __init__(self, *args: Any, source: str, **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key in ("max_length", "editable", "null", "blank"):
            kwargs.pop(key, None)
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str | None:
        value = getattr(model_instance, self.source)
        source_field = model_instance._meta.get_field(self.source)
        assert isinstance(source_field, EncryptedField)  # noqa: S101 (a wiring error, not input)
        digest = crypto.blind_index(normalize(source_field.kind, value)) if value else None
        setattr(model_instance, self.attname, digest)
        return digest


def hash_for_lookup(kind: str, value: str) -> str:
    """The blind-index value to filter on, e.g. `Member.objects.filter(id_number_hash=...)`."""
    return crypto.blind_index(normalize(kind, value))


class PathField(models.CharField):
    """A division path ("440000/440100/440118/") compared byte by byte on every database.

    `prefix_q` turns "starts with" into a range on the plain B-tree index. That range is only
    right under a binary collation: SQLite's default, and "C" on PostgreSQL, where a locale
    collation would ignore the "/" separators.
    """

    def db_parameters(self, connection: Any) -> dict[str, Any]:
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params
