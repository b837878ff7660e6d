"""``POST /ignisign/webhook``: where IgniSign delivers events (register this URL with IgniSign)."""

from contracts.views import ignisign_webhook
from django.urls import path

urlpatterns = [path("ignisign/webhook", ignisign_webhook)]
