"""One Flask blueprint per area of the workspace (see bot.workspace.nav)."""
