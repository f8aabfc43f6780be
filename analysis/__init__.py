"""leadaudit: honest statistics on a car dealership's leads.

Entry points: :func:`load_dataset` (an export to canonical tables), :func:`render_report`
(a notebook to HTML, executed notebook and JSON summary), and the ``leadaudit`` CLI.
"""

from .errors import LeadAuditError

__version__ = "0.1.0"

__all__ = ["LeadAuditError", "__version__", "load_dataset", "render_report"]


def __getattr__(name: str):
    # lazy: importing the package must stay cheap for the CLI's --help
    if name == "load_dataset":
        from .loading import load_dataset
        return load_dataset
    if name == "render_report":
        from .report import render_report
        return render_report
    raise AttributeError(name)
