"""The Solara dashboard: one village, two side by side, a district; and its pictures."""
