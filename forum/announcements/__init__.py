"""The site-wide announcement banner that admins and facilitators set and members may dismiss."""
