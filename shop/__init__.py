"""The shell of Kaimo mugė: configuration, extensions, database, money, mail, media, layout, CLI."""
