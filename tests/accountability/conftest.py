import pytest

from portal import roles
from tests.accountability import dataset
from tests.conftest import make_staff
from tests.factories import make_ministry


@pytest.fixture
def ministry_c(db):
    return make_ministry(name_ar="وزارة النقل", name_en="Ministry of Transport", slug="transport")


@pytest.fixture
def officer_c(ministry_c):
    return make_staff("officer_c", roles.MINISTRY_OFFICERS, ministry_c)


@pytest.fixture
def data(ministry_a, ministry_b, ministry_c, moderator, officer_a, officer_b, officer_c):
    """The fixed dataset of tests/accountability/dataset.py."""
    return dataset.build(
        ministry_a=ministry_a,
        ministry_b=ministry_b,
        ministry_c=ministry_c,
        moderator=moderator,
        officer_a=officer_a,
        officer_b=officer_b,
        officer_c=officer_c,
    )


@pytest.fixture
def small_threshold(settings):
    """The dataset is small: a threshold of 3 lets its figures show (the rule's own tests
    use the default, 10)."""
    settings.PUBLIC_STATS_MIN_COUNT = 3
    return 3
