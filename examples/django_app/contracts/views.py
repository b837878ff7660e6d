"""The webhook endpoint: 200 once every callback ran, 5xx when one failed (so IgniSign records
the delivery FAILED and ``client.webhooks.resend_failed(webhook_id)`` can deliver it again)."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ignisign_async import WebhookError
from ignisign_async.webhooks import http_status_for

from .ignisign import router


@csrf_exempt
@require_POST
def ignisign_webhook(request: HttpRequest) -> JsonResponse:
    try:
        result = router.consume(request.body)
    except WebhookError as exc:  # malformed (400), not from IgniSign (401), IgniSign down (503)
        return JsonResponse({"ok": False, "code": exc.code}, status=http_status_for(exc))
    return JsonResponse(
        {"ok": result.ok, "failed": len(result.failed)}, status=200 if result.ok else 500
    )
