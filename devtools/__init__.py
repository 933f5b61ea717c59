"""The developers' tools, apart from the product: synthetic and demo data, benchmarks, the load test.

Installed only when the DEVTOOLS setting allows it (on by default while DEBUG is on), so a
production server has none of these commands. The tools may import any of the product's apps;
none of those may import this one (tests/test_architecture.py).
"""
