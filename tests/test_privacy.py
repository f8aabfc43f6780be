"""Personal data and repeat leads (SPEC 2.5)."""

from __future__ import annotations

import pandas as pd

from analysis.loading import _mark_repeats
from analysis.privacy import link_persons, normalize_emails, normalize_phones


def test_phone_normalisation_to_e164():
    phones = pd.Series(["+7 (912) 345-67-89", "89123456789", "8 912 345 67 89", "9123456789", "79123456789", "123", ""])
    assert normalize_phones(phones).tolist()[:5] == ["+79123456789"] * 5
    assert normalize_phones(phones).isna().tolist()[5:] == [True, True]


def test_email_normalisation():
    assert normalize_emails(pd.Series([" Ivan@Mail.RU ", "нет", ""])).tolist()[0] == "ivan@mail.ru"
    assert normalize_emails(pd.Series(["нет"])).isna().all()


def test_persons_linked_by_phone_or_email_transitively():
    phone = pd.Series(["+7 912 000 00 01", "8 912 000-00-01", "", "+7 999 000 00 00", ""])
    email = pd.Series(["", "a@b.ru", "A@B.ru", "", ""])
    ids = link_persons(phone, email)
    # rows 0-1 share a phone, 1-2 share an e-mail: one person; rows 3 and 4 are others
    assert ids[0] == ids[1] == ids[2]
    assert len({ids[0], ids[3], ids[4]}) == 3


def test_hash_key_differs_per_run_but_linking_does_not():
    phone = pd.Series(["+79120000001", "89120000001", "+79120000002"])
    first, second = link_persons(phone, None), link_persons(phone, None)
    assert (first[0] == first[1]) and (second[0] == second[1]) and first[0] != first[2]


def test_first_lead_keeps_the_credit_within_the_window():
    leads = pd.DataFrame({
        "person_id": [1, 1, 1, 1, 2],
        "created_at": pd.to_datetime(["2026-01-01", "2026-01-10", "2026-02-15", "2026-02-20", "2026-01-05"]),
        "channel": ["Авито", "сайт", "VK", "Авито", "Авито"],
        "source_line": [2, 3, 4, 5, 6],
    })
    _mark_repeats(leads, window_days=30)
    # day 9 is within 30 days of the first lead; day 45 opens a new episode; day 50 repeats it
    assert leads["is_repeat"].tolist() == [False, True, False, True, False]
    assert leads["repeat_first_channel"].tolist()[1] == "Авито"
    assert leads["repeat_first_channel"].tolist()[3] == "VK"


def test_phone_digits_filter_on_arrow_buffers():
    import pyarrow as pa

    from analysis.privacy import _digits

    cells = pa.array(["x", None, "", "8 (912) 345-67-89", "тел. 12", "", "٣4"])
    # nulls stay null, empty strings (at the start, inside, at the end) stay empty, only ASCII digits are kept
    assert _digits(cells).to_pylist() == ["", None, "", "89123456789", "12", "", "4"]
    assert _digits(cells.slice(2)).to_pylist() == ["", "89123456789", "12", "", "4"]
    assert _digits(pa.array([], pa.string())).to_pylist() == []
    phones = pd.Series(["8 912 345 67 89", None, "тел: +7-912-345-67-89 (Иван)"], dtype=object)
    assert normalize_phones(phones).tolist()[0] == normalize_phones(phones).tolist()[2] == "+79123456789"
    assert pd.isna(normalize_phones(phones).tolist()[1])
