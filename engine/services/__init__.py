"""Use cases. Each public function is one user action: it opens one unit of work, does one
thing and commits. They take a `Context` and an `Actor` and return plain dicts."""
from .context import Actor, Context  # noqa: F401
