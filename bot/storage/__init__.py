"""SQLite storage: the connection, migrations, and one module of SQL per feature."""
