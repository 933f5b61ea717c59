"""The annual report: a per-bureau, per-year text template and its frozen published revisions."""

from .report import Paragraph, Report, Section
from .review import ReviewComment
from .revision import Revision

__all__ = ["Paragraph", "Report", "ReviewComment", "Revision", "Section"]
