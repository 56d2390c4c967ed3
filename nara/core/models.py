"""Base models shared by every app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ConcurrentEditError(Exception):
    """Someone else saved the record after this user opened it (views answer it with nara.core.conflicts)."""

    message = _(
        "Någon annan har ändrat uppgiften medan du hade den öppen, så din ändring är inte sparad. "
        "Det som nu är sparat visas på sidan och dina uppgifter finns kvar. "
        "Kontrollera och spara igen om din ändring fortfarande behövs."
    )


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(TimeStampedModel):
    """Optimistic locking: every change says which version it started from; a stale version is refused."""

    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True

    def save_checked(self, expected_version: int, update_fields=None) -> None:
        """Save only if nobody saved since `expected_version` was read; raise ConcurrentEditError otherwise."""
        model = type(self)
        fields = update_fields or [
            f.name for f in model._meta.concrete_fields if not f.primary_key and f.name not in ("created_at",)
        ]
        self.version = expected_version + 1
        values = {name: getattr(self, name) for name in fields if name != "updated_at"}
        values["version"] = self.version
        from django.utils import timezone

        values["updated_at"] = self.updated_at = timezone.now()
        updated = model.objects.filter(pk=self.pk, version=expected_version).update(**values)
        if not updated:
            self.version = expected_version
            raise ConcurrentEditError(str(ConcurrentEditError.message))
