"""Daily check-ins, recovery start dates and milestones: private to each member."""
