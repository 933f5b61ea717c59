import pytest
from django.core.exceptions import ValidationError

from cases.validators import id_check_char, validate_id_number, validate_phone

VALID = "11010519491231002X"  # the standard's own example


def test_the_standards_example_is_valid():
    assert id_check_char(VALID[:17]) == "X"
    validate_id_number(VALID)
    validate_id_number(VALID.lower())


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("110105194912310021", "校验位不正确"),
        ("11010519491231002", "应为18位"),
        ("1101051949123100XX", "应为18位"),
        ("110105194902300023", "出生日期不存在"),
        ("110105209912310021", "出生日期不合理"),
        ("１１０１０５１９４９１２３１００２Ｘ", "应为18位"),
    ],
)
def test_bad_id_numbers_are_refused_with_the_reason(value, message):
    with pytest.raises(ValidationError) as exc:
        validate_id_number(value)
    assert message in exc.value.messages[0]


@pytest.mark.parametrize("value", ["13812345678", "0391-1234567", "03911234567", ""])
def test_phones_accepted(value):
    validate_phone(value)


@pytest.mark.parametrize("value", ["12345", "1381234567a", "23812345678", "138123456789"])
def test_bad_phones_refused(value):
    with pytest.raises(ValidationError, match="联系电话"):
        validate_phone(value)
