"""Views of the annual report, split by who uses them: staff working on the draft, the head
publishing it, and the public reading it."""
