"""The annual report: a per-bureau, per-year text template and its frozen published revisions."""

from .report import Paragraph, Report, Section
from .review import ReviewComment
from .revision import Revision
from .template import BureauTemplate

__all__ = ["BureauTemplate", "Paragraph", "Report", "ReviewComment", "Revision", "Section"]
