"""Where things are: Kemendagri region codes and names (``regions``), the reference
archives they come from (``archives``, ``sqldump``) and the boundary layers built
from them (``boundaries``)."""
