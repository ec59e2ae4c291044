__version__ = "0.1.0"
from . import interop as interop  # adds `as_dataset`, `to_folder`, ... to `DistilledSet` (the interop chapter)
