"""The crawlers package as orchestration sees it: looked up lazily, so orchestration loads without it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..context import RequestContext
    from ..core import Emulator


def crawl_runner(emulator: Emulator) -> Any | None:
    """The crawler component, or None while the crawlers package is not there."""
    try:
        from ..crawlers.runner import CrawlRunner
    except ImportError:
        return None
    return emulator.component(CrawlRunner)


def crawler_kind() -> str | None:
    """The store kind of crawler definitions, or None while the crawlers package is not there."""
    try:
        from ..crawlers.runner import CRAWLER
    except ImportError:
        return None
    return CRAWLER


def stored_crawler(store: Any, scope: str, name: str) -> dict[str, Any] | None:
    kind = crawler_kind()
    return None if kind is None else store.get(scope, kind, "", name)


def crawler_exists(ctx: RequestContext, name: str) -> bool:
    return stored_crawler(ctx.store, ctx.scope, name) is not None
