"""One View per report: what it shows, by kind of column; nothing about formats (cli/render/)."""
