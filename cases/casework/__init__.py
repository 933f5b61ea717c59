"""The bureau's case page: a case as the timeline of its stages under the 信访工作条例."""
