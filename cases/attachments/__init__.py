"""Files attached to a petition case (a scanned letter, a unit's reply, a 处理意见书): their
storage, the check of their bytes, and the permission-checked views that take and give them."""
