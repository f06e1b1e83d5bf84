"""MkDocs hooks file (mkdocs.yml `hooks:`): hands every event to the one adapter module."""

from macros.mkdocs_adapter import (  # noqa: F401
    on_build_error, on_config, on_files, on_nav, on_page_content, on_page_context, on_page_markdown, on_post_build,
    on_post_page, on_serve,
)
