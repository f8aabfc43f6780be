"""Personal data and repeat leads."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.compute as pc
import pytest

from analysis.repeats import mark_repeats
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
    mark_repeats(leads, window_days=30)
    # day 9 is within 30 days of the first lead; day 45 opens a new episode; day 50 repeats it
    assert leads["is_repeat"].tolist() == [False, True, False, True, False]
    assert leads["repeat_first_channel"].tolist()[1] == "Авито"
    assert leads["repeat_first_channel"].tolist()[3] == "VK"


@pytest.mark.parametrize("persons", [300, 6000])
def test_repeats_match_a_lead_by_lead_reference(persons):
    """Episodes of many persons over many rounds (up to a dozen per person, equal times
    broken by file line), against the rule written as a plain loop over each person's leads;
    with 6000 possible persons, most have one lead (and are left out of the sort)."""
    rng = np.random.default_rng(3)
    n = 4000
    leads = pd.DataFrame({
        "person_id": rng.integers(0, persons, n) + 7,
        "created_at": pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 400, n), unit="D"),
        "source_line": rng.permutation(n) + 2,
        "channel": rng.choice(["Авито", "VK", "Сайт"], n),
    })
    mark_repeats(leads, window_days=30)
    expected, first_channel = {}, {}
    for _, group in leads.sort_values(["person_id", "created_at", "source_line"]).groupby("person_id"):
        start = None
        for index, row in group.iterrows():
            if start is not None and row["created_at"] - start[0] <= pd.Timedelta(days=30):
                expected[index], first_channel[index] = True, start[1]
            else:
                start = (row["created_at"], row["channel"])
                expected[index], first_channel[index] = False, None
    assert leads["is_repeat"].tolist() == [expected[i] for i in leads.index]
    assert [None if pd.isna(v) else v for v in leads["repeat_first_channel"]] == [first_channel[i] for i in leads.index]
    assert (n / 4 < leads["is_repeat"].sum() < n * 3 / 4) if persons == 300 else (50 < leads["is_repeat"].sum() < n / 4)


def test_phone_digits_filter_on_arrow_buffers():
    import pyarrow as pa

    from analysis.tuned import digits_of

    cells = pa.array(["x", None, "", "8 (912) 345-67-89", "тел. 12", "", "٣4"])
    # nulls stay null, empty strings (at the start, inside, at the end) stay empty, only ASCII digits are kept
    assert digits_of(cells).to_pylist() == ["", None, "", "89123456789", "12", "", "4"]
    assert digits_of(cells.slice(2)).to_pylist() == ["", "89123456789", "12", "", "4"]
    assert digits_of(pa.array([], pa.string())).to_pylist() == []
    phones = pd.Series(["8 912 345 67 89", None, "тел: +7-912-345-67-89 (Иван)"], dtype=object)
    assert normalize_phones(phones).tolist()[0] == normalize_phones(phones).tolist()[2] == "+79123456789"
    assert pd.isna(normalize_phones(phones).tolist()[1])


def _near_strings() -> list[str]:
    """Strings that differ little: every length 0-24, one byte changed at every place (across
    8-byte word edges), words swapped, trailing characters, non-ASCII, real-looking ids."""
    base = "+79123456789abcdefghijklmn"
    texts = {base[:length] for length in range(25)}
    for length in (7, 8, 9, 15, 16, 17, 24):
        for place in range(length):
            texts.add(base[:place] + "#" + base[place + 1:length])
    texts |= {"a", "a\x00", "abcdefgh12345678", "12345678abcdefgh", "ivan@mail.ru", "ivan@mail.ru ", "иван@почта.рф", "ivan@mail.rv"}
    texts |= {f"+7912{i:07d}" for i in range(20000)} | {f"c{i}.client{i % 97}@example.com" for i in range(20000)}
    return sorted(texts)


def test_email_keys_tell_apart_exactly_what_equality_does():
    import numpy as np
    import pyarrow as pa

    import analysis.privacy as privacy

    texts = _near_strings()
    doubled = pa.array(texts + texts[::-1], type=pa.string())
    # many parts, a string's twin in another one: the keys must agree across parts
    parts = [doubled.slice(start, 1000) for start in range(0, len(doubled), 1000)]
    valid, keys = privacy._email_keys(parts)
    normalized = privacy._emails(doubled)
    assert valid.tolist() == normalized.is_valid().to_pylist()
    # the reference is equality itself: same partition as factorizing the normalised strings
    reference = pd.factorize(np.array(normalized.filter(normalized.is_valid()).to_pylist(), dtype=object))[0]
    assert (pd.factorize(keys)[0] == reference).all()
    assert len(np.unique(keys)) > 10_000  # many e-mails, each twin found
    assert privacy._email_keys([])[1].size == 0


def _phone_cells(count: int, seed: int) -> list[str | None]:
    """Phones as CRMs hold them: +7 / 8 / bare ten digits, spaces, brackets, dashes, foreign
    numbers with leading zeros, too short, too long for int64, text around, empty."""
    import numpy as np

    rng = np.random.default_rng(seed)
    bodies = [f"9{rng.integers(0, 10**9):09d}" for _ in range(500)]  # few people: many repeats, in other spellings
    cells: list[str | None] = []
    for _ in range(count):
        body = bodies[rng.integers(0, len(bodies))]
        kind = rng.integers(0, 12)
        cells.append([
            f"+7 ({body[:3]}) {body[3:6]}-{body[6:8]}-{body[8:]}", f"8{body}", body, f"7{body}", f" 8-{body} ",
            f"00{rng.integers(1, 999)}{body}", f"0{body[1:]}", body[:rng.integers(0, 10)],
            f"{rng.integers(1, 9)}{body}{body}", f"00{body}{body}", None, f"тел. 8{body} доб. {rng.integers(0, 9)}",
        ][kind])
    return cells


def test_phone_keys_are_equal_exactly_when_their_text_is(monkeypatch):
    """_phone_keys skips the E.164 text: its keys must tell apart exactly the phones _phones' text
    does, also across parts; a cell of more digits than any phone number has links nothing."""
    import numpy as np
    import pyarrow as pa

    import analysis.privacy as privacy

    cells = _phone_cells(20000, seed=7)
    text = pa.array(cells, pa.string())
    valid, keys = privacy._phone_keys(text)
    normalized = privacy._phones(text)
    digits = pc.subtract(pc.utf8_length(normalized), 1).fill_null(0).to_numpy(zero_copy_only=False)
    linkable = normalized.is_valid().to_numpy(zero_copy_only=False) & (digits <= privacy.PHONE_DIGITS)
    assert valid.tolist() == linkable.tolist()
    assert (~linkable & normalized.is_valid().to_numpy(zero_copy_only=False)).sum() > 100  # long ones are out
    reference = pd.factorize(np.array(normalized.filter(pa.array(linkable)).to_pylist(), dtype=object))[0]
    assert (pd.factorize(keys)[0] == reference).all()  # the same partition, in the same order
    assert len(np.unique(reference)) > 1000 and len(np.unique(reference)) < len(reference) / 2  # many phones, repeats
    monkeypatch.setattr(privacy, "PART_ROWS", 997)
    codes = privacy.identifier_codes(pd.Series(cells, dtype=object), None)[0]
    assert (pd.factorize(codes[codes >= 0])[0] == reference).all()


def test_codes_are_places_not_numbers():
    """What links persons is a place in a table (0, 1, 2 …), never the phone number or a function of it."""
    import analysis.privacy as privacy

    phones = pd.Series(["+7 912 345-67-89", "89123456789", "8 (916) 000-11-22", None, "+79160001122"], dtype=object)
    emails = pd.Series(["Ivan@Mail.ru ", "x@y.ru", "ivan@mail.ru", "", None], dtype=object)
    phone_codes, email_codes = privacy.identifier_codes(phones, emails)
    assert phone_codes.tolist() == [0, 0, 1, -1, 1] and email_codes.tolist() == [0, 1, 0, -1, -1]
    assert len(set(privacy.link_persons(phones, emails).tolist()[:3])) == 1  # row 2: the e-mail of row 0


def test_identifiers_coded_part_by_part_as_in_one_pass(monkeypatch):
    """Phones and e-mails are normalised and hashed a part of the column at a time (memory);
    the codes are those of one pass, across parts and Arrow chunks."""
    import pyarrow as pa

    import analysis.privacy as privacy

    phones = ["+7 912 345-67-89", None, "89123456789", "123", "8 (900) 000-00-01", "", "9000000001"] * 5
    emails = [None, "A@b.ru", "нет", "a@B.ru ", "c@d.ru", None, "x@y.z"] * 5
    text = pd.StringDtype("pyarrow", na_value=np.nan)
    chunked = pd.Series(pa.chunked_array([pa.array(phones[:9]), pa.array(phones[9:])]), dtype=text)
    whole = privacy.identifier_codes(pd.Series(phones, dtype=text), pd.Series(emails, dtype=text))
    monkeypatch.setattr(privacy, "PART_ROWS", 4)
    parts = privacy.identifier_codes(chunked, pd.Series(emails, dtype=text))
    for one, other in zip(whole, parts):
        np.testing.assert_array_equal(one, other)
    assert whole[0][0] == whole[0][2] and whole[0][3] == -1 and whole[1][1] == whole[1][3]


def test_person_time_order_is_the_three_key_sort():
    """Repeats sort leads by person, time and line: by one key when times are whole seconds
    and lines rise (ties, many per person, kept in row order), by three otherwise."""
    from analysis.tuned import person_time_order

    rng = np.random.default_rng(11)
    n = 5000
    person = rng.integers(0, 400, n)
    seconds = np.datetime64("2026-01-01T00:00:00", "ns") + rng.integers(0, 50, n) * np.timedelta64(3600, "s")
    rising = np.arange(n, dtype=np.int64) + 2
    cases = {
        "whole seconds": (seconds, rising),
        "fractions": (seconds + rng.integers(0, 3, n) * np.timedelta64(500, "ms"), rising),
        "shuffled lines": (seconds, rng.permutation(n) + 2),
        "centuries apart": (np.where(rng.random(n) < 0.5, seconds, np.datetime64("1700-01-01", "ns")), rising),
    }
    for name, (created, line) in cases.items():
        expected = np.lexsort((line, created, person))
        assert (person_time_order(person, created, line) == expected).all(), name
    assert len(person_time_order(person[:0], seconds[:0], rising[:0])) == 0


def test_linking_on_shared_identifiers_only_gives_the_same_persons(monkeypatch):
    """Identifiers no other row has are left out of linking (shared_only): the persons must
    be those of linking on every identifier, numbered alike, and the codes -1 exactly for
    identifiers used once."""
    import analysis.privacy as privacy

    rng = np.random.default_rng(5)
    n = 6000
    text = pd.StringDtype("pyarrow", na_value=np.nan)
    phones = pd.Series([f"+7 900 {rng.integers(0, 4000):07d}" if rng.random() < 0.8 else "" for _ in range(n)], dtype=text)
    emails = pd.Series([f"u{rng.integers(0, 5000)}@mail.ru" if rng.random() < 0.5 else None for _ in range(n)], dtype=text)
    every = privacy.identifier_codes(phones, emails)
    shared = privacy.identifier_codes(phones, emails, shared_only=True)
    for all_codes, shared_codes in zip(every, shared):
        counts = np.bincount(all_codes[all_codes >= 0])
        once = (all_codes < 0) | (counts[np.maximum(all_codes, 0)] == 1)
        assert ((shared_codes < 0) == once).all() and once.any() and not once.all()
        assert (pd.factorize(shared_codes[~once])[0] == pd.factorize(all_codes[~once])[0]).all()
    rows = np.flatnonzero(rng.random(n) < 0.7)  # the kept rows, as the cleaning links them
    np.testing.assert_array_equal(privacy.link_codes([kind[rows] for kind in shared], len(rows)),
                                  privacy.link_codes([kind[rows] for kind in every], len(rows)))
    np.testing.assert_array_equal(privacy.link_persons(phones, emails), privacy.link_codes(every, n))
    assert len(np.unique(privacy.link_persons(phones, emails))) < n * 0.9  # many linked
    # a categorical column is hashed on its categories, each once: all of them keep a code
    np.testing.assert_array_equal(privacy.link_persons(phones.astype("category"), emails),
                                  privacy.link_persons(phones, emails))


def test_email_normalisation_is_arrows_utf8_one_on_any_text():
    """The ASCII shortcut (lower and trim, '@' read off the bytes) gives what Arrow's UTF-8
    kernels give: cells with every ASCII control byte (\\x1c-\\x1f are whitespace to them),
    '@' at either end or not at all, nulls, empty cells, non-ASCII letters, sliced arrays."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from analysis.privacy import _emails

    def reference(text):
        folded = pc.utf8_lower(pc.utf8_trim_whitespace(text))
        return pc.if_else(pc.match_substring(folded, "@"), folded, pa.scalar(None, pa.string()))

    rng = np.random.default_rng(5)
    ascii_alphabet = [chr(c) for c in range(0, 0x80)] + ["@"] * 10 + [" "] * 10
    for round_ in range(40):
        alphabet = ascii_alphabet if round_ % 2 else ascii_alphabet + ["Ё", "Ä", "\u00a0", "\u2003"]
        if round_ % 4 == 1:  # no byte that only UTF-8 trimming takes for whitespace: the shortcut
            alphabet = [c for c in alphabet if c not in "\x1c\x1d\x1e\x1f"]
        cells = [None if rng.random() < 0.1 else "".join(rng.choice(alphabet, size=rng.integers(0, 8)))
                 for _ in range(300)]
        array = pa.array(cells, pa.string())
        for start, stop in [(0, 300), (7, 299), (150, 151)]:
            part = array.slice(start, stop - start)
            assert _emails(part).equals(reference(part)), (round_, start)


def test_kept_bytes_are_a_boolean_selection_block_by_block():
    from analysis.tuned import kept_bytes

    rng = np.random.default_rng(2)
    for size in (0, 1, 6, 7, 8, 50, 1000):
        data = rng.integers(0, 256, size).astype(np.uint8)
        keep = rng.random(size) < 0.5
        for block in (1, 7, 1 << 22):
            assert np.array_equal(kept_bytes(data, keep, block), data[keep])
            assert kept_bytes(data, keep, block).dtype == np.uint8
