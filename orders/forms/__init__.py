"""The orders' forms, by audience like the views: they parse and validate what was typed and re-show it;
the services decide."""
