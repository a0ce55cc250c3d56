"""Virtual fairs' pages: the storefront's fair page (`/muges/<slug>`), a community's fairs in its workspace
and the VVG's fairs in the back office; one blueprint per audience (the report is `orders`')."""
