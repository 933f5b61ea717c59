import datetime
import random

from cases.validators import validate_id_number, validate_phone
from devtools import vocabulary


def test_the_main_departments_are_some_of_the_departments_in_their_order():
    assert [d for d in vocabulary.DEPARTMENTS if d in vocabulary.MAIN_DEPARTMENTS] == list(vocabulary.MAIN_DEPARTMENTS)


def test_every_township_has_its_villages():
    assert list(vocabulary.VILLAGES) == list(vocabulary.TOWNSHIPS)


def test_id_numbers_pass_the_products_validator():
    rng = random.Random(1)
    for _ in range(200):
        area = rng.choice(vocabulary.LOCAL_ID_AREAS)
        number = vocabulary.id_number(area, datetime.date(1950, 1, 1) + datetime.timedelta(rng.randrange(20000)), 7)
        validate_id_number(number)  # raises on a wrong check character
    assert vocabulary.id_number("410825", datetime.date(1970, 3, 1), 123) == "410825197003011231"


def test_mobile_phones_have_eleven_digits_and_pass_the_products_validator():
    for phone in (vocabulary.mobile_phone("139", 12), vocabulary.mobile_phone("13", 999_999_999)):
        assert len(phone) == 11
        validate_phone(phone)
    assert vocabulary.mobile_phone("139", 12) == "13900000012"
