"""Villagers' complaints (一微, issue 11): intake (workspace, chat-group bot, the portal's through
the worker), the case side table kept with its complaint_handling matter, 督办, merging duplicates,
online ratings, reads and statistics. The handling itself is the matter's: steps, roles, deadlines,
timers and the audit chain of the engine."""
