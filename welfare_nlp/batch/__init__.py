"""Batch runs over archives: input readers, the runner (workers, resume), Dask, CSV/Parquet tables."""
