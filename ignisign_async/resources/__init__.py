"""The sub-clients of :class:`ignisign_async.AsyncIgnisign`, one per API area."""
