"""What a workflow's state freezes for other rooms: "are this project's actual values locked?" is asked here.

A room asks ``held(project_id, "actuals")``; the workflows that can freeze something answer
through the providers registered here, so the asking room never imports them.
"""

from collections.abc import Callable

#: (project id, what) -> a Chinese message when it is locked, else None.
Provider = Callable[[int, str], str | None]
_PROVIDERS: list[Provider] = []


def register(provider: Provider) -> Provider:
    """Add a provider (once)."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def held(project_id: int, what: str) -> str | None:
    """Why ``what`` of the project is locked now, or None when nothing holds it."""
    for provider in _PROVIDERS:
        message = provider(project_id, what)
        if message:
            return message
    return None
