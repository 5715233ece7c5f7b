"""The lesson panel: a Lessons menu and dock that walk a student through a lesson file (nnviz.lessons)."""
