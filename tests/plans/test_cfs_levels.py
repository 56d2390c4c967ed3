"""The CFS levels come from one reference file; labels follow the active language."""

from django.utils import translation

from nara.plans import cfs


def test_nine_levels_from_the_reference_file():
    levels = cfs.levels()
    assert sorted(levels) == list(range(1, 10))
    assert levels[1].label_sv == "Mycket vital"
    assert levels[9].label_en == "Terminally ill"
    assert levels[7].label_sv_verified and not levels[2].label_sv_verified


def test_label_follows_the_active_language():
    with translation.override("sv"):
        assert cfs.label(5) == "Lätt skör"
        assert cfs.choices()[4] == (5, "5 – Lätt skör")
    with translation.override("en"):
        assert cfs.label(5) == "Mildly frail"
    assert cfs.label(None) == ""


def test_only_short_labels_no_full_scale_text():
    # The licensed descriptive text is not reproduced: every label is a short phrase.
    assert all(len(lv.label_sv) < 40 for lv in cfs.levels().values())
