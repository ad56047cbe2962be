"""Alliance Advisor's engine: knowledge base, inference, explanation. Never imports Qt."""
from .errors import AdvisorError, CaseError, ExportError, KnowledgeError
from .knowledge import UNKNOWN, KnowledgeBase, load_knowledge
from .cases import Case, case_to_yaml, load_case, load_library, parse_case_text
from .advisor import Advisor, Result

__all__ = ["AdvisorError", "CaseError", "ExportError", "KnowledgeError", "UNKNOWN", "KnowledgeBase",
           "load_knowledge", "Case", "case_to_yaml", "load_case", "load_library", "parse_case_text",
           "Advisor", "Result"]
