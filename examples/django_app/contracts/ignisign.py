"""The IgniSign client of the project and its webhook callbacks.

One ``Ignisign`` serves every request thread (each runs its calls on its own private loop; the
token is shared). Its router verifies each webhook, then runs these plain functions right in the
request thread, with no event loop running: the ORM works there as in any view.
"""

from django.utils import timezone

from ignisign_async import Ignisign
from ignisign_async.models import SignatureRequestEvent

from .models import Contract

client = Ignisign()  # IGNISIGN_APP_ID, IGNISIGN_APP_ENV, IGNISIGN_APP_SECRET from the environment
router = client.webhook_router()


@router.on_signature_request()
def track_status(event: SignatureRequestEvent) -> None:
    """Every status change of a request: keep the contract's row in step."""
    content = event.content
    changes: dict[str, object] = {"status": str(content.status)}
    if str(event.action) == "COMPLETED":
        changes["signed_at"] = timezone.now()
    Contract.objects.filter(signature_request_id=content.signature_request_id).update(**changes)
