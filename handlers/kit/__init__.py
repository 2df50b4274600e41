"""What every capability uses: the feature declaration (`feature`), guided conversations
(`flow`), replies and their buttons (`common`), shared renderers (`render`), the button
router (`callbacks`), the command menus (`menus`), CSV files (`exports`), and the
catch-alls (`fallback`, `errors`, `membership`). A feature imports another feature only
through here or through the services."""
