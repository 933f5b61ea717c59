import datetime

import pytest

from cases.deadlines import HolidayCalendar, UnknownHolidayYear
from cases.models import Holiday, HolidayYear

D = datetime.date
CAL = HolidayCalendar()


def test_the_starting_day_is_not_counted():
    assert HolidayCalendar(roll_forward=False).due_date(D(2024, 3, 1), 15) == D(2024, 3, 16)
    # 2024-03-16 is a Saturday: with the default roll-forward the deadline is Monday the 18th
    assert CAL.due_date(D(2024, 3, 1), 15) == D(2024, 3, 18)


def test_a_deadline_on_a_weekend_rolls_to_monday():
    # 2024-03-02 + 15 = 2024-03-17, a Sunday
    assert CAL.due_date(D(2024, 3, 2), 15) == D(2024, 3, 18)


def test_without_roll_forward_the_weekend_stands():
    assert HolidayCalendar(roll_forward=False).due_date(D(2024, 3, 2), 15) == D(2024, 3, 17)


def test_national_day_2024_rolls_to_the_first_working_day():
    # 2024-09-20 + 15 = 2024-10-05, inside the 10-01..10-07 holiday; 10-08 is the first working day
    assert CAL.due_date(D(2024, 9, 20), 15) == D(2024, 10, 8)


def test_a_make_up_working_day_is_not_rolled():
    # 2024-09-14 (Saturday) is a make-up working day for the Mid-Autumn festival
    assert CAL.due_date(D(2024, 8, 30), 15) == D(2024, 9, 14)
    # 2024-10-12 (Saturday) is a make-up working day after National Day
    assert CAL.due_date(D(2024, 9, 27), 15) == D(2024, 10, 12)


def test_spring_festival_2025_rolls_past_the_holiday():
    # 2025-01-15 + 15 = 2025-01-30, inside 01-28..02-04; 2025-02-05 is the first working day
    assert CAL.due_date(D(2025, 1, 15), 15) == D(2025, 2, 5)


def test_spring_festival_2024_make_up_sunday():
    # 2024-02-04 (Sunday) and 2024-02-18 (Sunday) are make-up working days
    assert CAL.due_date(D(2024, 1, 20), 15) == D(2024, 2, 4)
    assert CAL.due_date(D(2024, 2, 3), 15) == D(2024, 2, 18)


def test_national_day_2025_and_its_make_up_days():
    # 2025-10-01..10-08 off; 2025-09-28 (Sunday) and 2025-10-11 (Saturday) are working days
    assert CAL.due_date(D(2025, 9, 20), 15) == D(2025, 10, 9)
    assert CAL.due_date(D(2025, 9, 13), 15) == D(2025, 9, 28)
    assert CAL.due_date(D(2025, 9, 26), 15) == D(2025, 10, 11)


def test_five_working_days_skip_the_national_day_holiday():
    # objection period of Art. 23: from Monday 2024-09-30, working days are 10-08, 09, 10, 11, 12(Sat, make-up)
    assert CAL.due_date(D(2024, 9, 30), 5, working_days=True) == D(2024, 10, 12)


def test_sixty_days_plus_an_approved_extension():
    assert CAL.due_date(D(2024, 3, 1), 60) == D(2024, 4, 30)
    assert CAL.due_date(D(2024, 3, 1), 90) == D(2024, 5, 30)


def test_an_unknown_year_is_an_error_naming_the_year():
    with pytest.raises(UnknownHolidayYear) as exc:
        CAL.due_date(D(2030, 3, 1), 15)
    assert "2030" in str(exc.value)
    assert exc.value.year == 2030


def test_the_bureau_can_enter_a_later_year_itself(db):
    Holiday.objects.create(date=D(2030, 10, 1), name="国庆节")
    Holiday.objects.create(date=D(2030, 10, 2), name="国庆节")
    Holiday.objects.create(date=D(2030, 9, 29), name="国庆调休", is_working_day=True)
    # Entered but not marked complete: still unknown (cases.holidays)
    with pytest.raises(UnknownHolidayYear):
        Holiday.objects.calendar().due_date(D(2030, 9, 16), 15)
    HolidayYear.objects.create(year=2030, complete=False)
    with pytest.raises(UnknownHolidayYear):
        Holiday.objects.calendar().due_date(D(2030, 9, 16), 15)
    HolidayYear.objects.filter(year=2030).update(complete=True)
    # 2030-09-16 + 15 = 2030-10-01 (holiday), 10-02 holiday, 10-03 is a Thursday
    calendar = Holiday.objects.calendar()
    assert calendar.due_date(D(2030, 9, 16), 15) == D(2030, 10, 3)
    # 2030-09-14 + 15 = 2030-09-29, a Sunday entered as a make-up working day
    assert calendar.due_date(D(2030, 9, 14), 15) == D(2030, 9, 29)
