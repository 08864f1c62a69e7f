"""Finding 9: a confirm that does not declare each candidate a different child saves nothing."""

import pytest

from simpul.children import services
from simpul.children.models import Child
from simpul.children.tests.conftest import child_data


@pytest.mark.django_db
def test_confirm_without_declaring_candidates_is_refused(worker, register):
    first = register(worker)
    before = Child.objects.count()
    with pytest.raises(services.DuplicateSuspected):
        services.child_register(actor=worker, data=child_data(), confirm_not_duplicate_of=[])
    assert Child.objects.count() == before
    second = services.child_register(
        actor=worker, data=child_data(), confirm_not_duplicate_of=[str(first.pk)]
    )
    assert second.pk != first.pk
    assert Child.objects.count() == before + 1
