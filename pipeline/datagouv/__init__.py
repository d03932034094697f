"""Publishing data packages to data.gouv.fr (udata): client, plan, sync."""
