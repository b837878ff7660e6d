"""A contract sent for signature: the row the webhook callback keeps up to date."""

from django.db import models


class Contract(models.Model):
    title = models.CharField(max_length=200)
    signature_request_id = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=32, default="DRAFT")
    """The signature request's status, as IgniSign last reported it."""
    signed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.title} ({self.status})"
