"""Notices the 信访工作条例 requires (受理告知书, 不予受理告知书, 转送交办单, 信访处理意见书), printed
from a case as PDF in the report's GB/T 9704 layout, in wording each bureau edits once."""
