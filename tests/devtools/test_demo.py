"""The demo builder (manage.py build_demo) and the shipped fixtures/demo.json it wrote."""

from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

SHIPPED = Path(settings.BASE_DIR) / "fixtures" / "demo.json"


def test_the_builder_writes_the_shipped_file(db, tmp_path):
    """The fixture is the builder's output, byte for byte: edit the builder, not the JSON."""
    output = tmp_path / "demo.json"
    out = StringIO()

    call_command("build_demo", "--output", str(output), stdout=out, stderr=StringIO())

    assert output.read_bytes() == SHIPPED.read_bytes()
    assert f"已写入 {output}：" in out.getvalue()
