"""The City Diplomacy Atlas: data model, validation, page generation, maps and CLI.

mkdocs-macros loads this package (``module_name: macros``) and calls
``define_env``; everything MkDocs-specific lives in ``mkdocs_adapter``, imported
only then, so the rest of the package stays free of MkDocs.
"""


def define_env(env):  # pragma: no cover - thin hand-off
    from macros.mkdocs_adapter import define_env as _define_env  # the one shared module, whoever imported us

    _define_env(env)
