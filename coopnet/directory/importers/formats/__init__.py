"""The registry of directory formats: format name -> reader module.

Each module in this package exposes `NAME` (the name `import_directory --format` takes) and
`read(path) -> ParsedSource`. The list below is explicit so that a module is never picked up
by accident; the readers other engineers are still writing are skipped until they exist.
"""

import importlib
from types import ModuleType

MODULES = (
    "cotech_jekyll",
    "cotech_history",
    "coopnet_json",
    "tech_coops_md",
    "essglobal_csv",
    "coophub_yml",
    "murmurations",
)
# Readers that may not be written yet: only their own absence is forgiven, never an import
# error inside them.
OPTIONAL_MODULES = frozenset({"tech_coops_md", "essglobal_csv", "coophub_yml", "murmurations"})


def _load() -> dict[str, ModuleType]:
    formats: dict[str, ModuleType] = {}
    for module_name in MODULES:
        qualified = f"{__name__}.{module_name}"
        try:
            module = importlib.import_module(qualified)
        except ModuleNotFoundError as error:
            if module_name in OPTIONAL_MODULES and error.name == qualified:
                continue
            raise
        formats[module.NAME] = module
    return formats


FORMATS: dict[str, ModuleType] = _load()
