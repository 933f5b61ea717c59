"""个访/集体访 and 初次信访 (issue 12): 合阳县's 2022 来访 839 批 / 3,326 人次, split into 个访 689 批 /
1,062 人次 and 集体访 150 批 / 2,264 人次, from records built to those totals."""

import datetime

from cases.models import PetitionCase
from indicators.compute import compute
from indicators.registry import Period


def test_visits_split_into_individual_and_collective_batches_and_persons(bureau):
    heads = [1] * 316 + [2] * 373 + [16] * 14 + [15] * 136  # 个访 689 批 1,062 人; 集体访 150 批 2,264 人
    cases = [
        PetitionCase(
            bureau=bureau,
            number=f"HY-{n:04}",
            received_on=datetime.date(2022, 1 + n % 12, 1),
            channel=PetitionCase.Channel.VISIT,
            head_count=head,
            is_initial=n % 3 != 0,  # 559 of 839 initial
        )
        for n, head in enumerate(heads)
    ]
    letter = PetitionCase(
        bureau=bureau, number="HY-L", received_on=datetime.date(2022, 5, 1), head_count=9, is_initial=True
    )
    cases.append(letter)  # nine people writing: not a visit
    PetitionCase.objects.bulk_create(cases)

    figures = compute(bureau.pk, Period.year(2022))
    counts = {key: figures[key].numerator for key in figures}
    assert (counts["visit_batches"], counts["visit_persons"]) == (839, 3326)
    assert (counts["individual_visit_batches"], counts["individual_visit_persons"]) == (689, 1062)
    assert (counts["collective_visit_batches"], counts["collective_visit_persons"]) == (150, 2264)
    assert counts["initial_cases"] == 559 + 1  # and the letter
    assert figures["individual_visit_persons"].display == "1062"
