"""Customer and meter archive (档案) and reading imports from CSV and Excel files."""
