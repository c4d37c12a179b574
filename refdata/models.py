from django.db import models


class ReferenceVersion(models.Model):
    """How often the reference data behind one cache key has changed (refdata.versions)."""

    key = models.CharField(max_length=100, primary_key=True)
    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"
