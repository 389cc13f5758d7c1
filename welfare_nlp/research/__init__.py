"""For notebooks: pandas tables, plots, displaCy rendering (the ``research`` extra)."""
