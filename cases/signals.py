"""What the records tell the rooms above them, without knowing who listens.

`records_changed` is sent by every writer that bypasses the model signals (bulk imports, generated
data, a restore): the dashboard's cache (indicators.cache) listens. Saves and deletes through the
ORM need no call: the cache watches post_save and post_delete itself.
"""

from django.dispatch import Signal

# Sent with `bureau` (a Bureau, or None for every bureau) and `years` (a set of calendar years,
# or None when unknown), so that a listener may drop only what the change touches.
records_changed = Signal()
