from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.agencies.models import Agency, AgencyKind, Membership, Role
from gongkai.agencies.permissions import agencies_visible_to, has_role
from gongkai.agencies.services import add_membership, create_agency
from gongkai.agencies.validators import validate_uscc
from gongkai.core.models import AuditEvent
from tests.conftest import Tree, make_user

VALID_USCC = "91110000600037341L"
BAD_CHECKSUM_USCC = "91110000600037341X"


def codes(agencies: object) -> set[str]:
    return {a.short_code for a in agencies}  # type: ignore[attr-defined]


# --- USCC (统一社会信用代码) -----------------------------------------------------------------


def test_valid_uscc_passes_validation() -> None:
    validate_uscc(VALID_USCC)


def test_uscc_with_wrong_check_character_is_rejected_in_chinese() -> None:
    with pytest.raises(ValidationError) as info:
        validate_uscc(BAD_CHECKSUM_USCC)
    error = info.value.error_list[0]
    assert error.code == "invalid_uscc"
    assert info.value.messages == [f"“{BAD_CHECKSUM_USCC}”不是有效的统一社会信用代码：校验码不正确。"]


def test_uscc_of_wrong_length_says_so() -> None:
    with pytest.raises(ValidationError) as info:
        validate_uscc("9111000060003734")
    assert "应为18位" in info.value.messages[0]


def test_uscc_error_is_translated_to_english() -> None:
    with translation.override("en"):
        with pytest.raises(ValidationError) as info:
            validate_uscc(BAD_CHECKSUM_USCC)
        assert info.value.messages == [
            f"“{BAD_CHECKSUM_USCC}” is not a valid unified social credit code: the check character is wrong."
        ]


@pytest.mark.django_db
def test_create_agency_normalises_uscc_typed_with_spaces_and_lower_case() -> None:
    agency = create_agency(
        actor=None,
        name="某局",
        short_code="some-bureau",
        kind=AgencyKind.DEPARTMENT,
        uscc="9111 0000 6000 3734 1l",
    )
    agency.refresh_from_db()
    assert agency.uscc == VALID_USCC


@pytest.mark.django_db
def test_create_agency_rejects_invalid_uscc_and_saves_nothing() -> None:
    with pytest.raises(ValidationError) as info:
        create_agency(
            actor=None, name="某局", short_code="x", kind=AgencyKind.DEPARTMENT, uscc=BAD_CHECKSUM_USCC
        )
    assert "uscc" in info.value.message_dict
    assert not Agency.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_uscc_is_unique_when_set_but_many_agencies_may_leave_it_blank() -> None:
    create_agency(actor=None, name="甲", short_code="a", kind=AgencyKind.OTHER)
    create_agency(actor=None, name="乙", short_code="b", kind=AgencyKind.OTHER)
    create_agency(actor=None, name="丙", short_code="c", kind=AgencyKind.OTHER, uscc=VALID_USCC)
    with pytest.raises(ValidationError) as info:
        create_agency(actor=None, name="丁", short_code="d", kind=AgencyKind.OTHER, uscc=VALID_USCC)
    assert "已有机关使用该统一社会信用代码。" in info.value.messages
    assert Agency.objects.count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize("short_code", ["Demo", "demo county", "演示", "-demo", "demo-"])
def test_short_code_must_be_slug_like(short_code: str) -> None:
    with pytest.raises(ValidationError) as info:
        create_agency(actor=None, name="某局", short_code=short_code, kind=AgencyKind.OTHER)
    assert "short_code" in info.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize("short_code", ["supervise", "api"])
def test_short_codes_that_urls_use_are_reserved(short_code: str) -> None:
    with pytest.raises(ValidationError) as info:
        create_agency(actor=None, name="某局", short_code=short_code, kind=AgencyKind.OTHER)
    assert "系统保留" in info.value.message_dict["short_code"][0]


@pytest.mark.django_db
def test_create_agency_stores_guide_contact_fields() -> None:
    agency = create_agency(
        actor=None,
        name="某县人民政府",
        short_code="some-county",
        kind=AgencyKind.GOVERNMENT,
        office_name="县政府办公室",
        office_address="人民路1号",
        office_hours="工作日 9:00-17:00",
        phone="0571-1234567",
        fax="0571-1234568",
        website="https://www.example.org/",
        email="gk@example.org",
        postcode="310000",
    )
    agency.refresh_from_db()
    assert (agency.office_name, agency.postcode, agency.email) == ("县政府办公室", "310000", "gk@example.org")


@pytest.mark.django_db
def test_postcode_must_have_six_digits() -> None:
    with pytest.raises(ValidationError) as info:
        create_agency(actor=None, name="某局", short_code="x", kind=AgencyKind.OTHER, postcode="3100")
    assert info.value.message_dict["postcode"] == ["邮政编码应为6位数字。"]


# --- Audit in the same transaction ----------------------------------------------------------


@pytest.mark.django_db
def test_create_agency_records_an_audit_event() -> None:
    clerk = make_user("clerk")
    agency = create_agency(actor=clerk, name="某局", short_code="some-bureau", kind=AgencyKind.DEPARTMENT)
    event = AuditEvent.objects.get()
    assert event.action == "agency.created"
    assert event.actor == clerk
    assert event.actor_label == "clerk"
    assert event.agency == agency
    assert (event.object_type, event.object_id) == ("agencies.agency", str(agency.pk))
    assert event.details["short_code"] == "some-bureau"


@pytest.mark.django_db
def test_agency_is_not_created_when_its_audit_event_cannot_be_written(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken_audit(*args: object, **kwargs: object) -> None:
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr("gongkai.agencies.services.record_audit", broken_audit)
    with pytest.raises(RuntimeError):
        create_agency(actor=None, name="某局", short_code="some-bureau", kind=AgencyKind.DEPARTMENT)
    assert not Agency.objects.filter(short_code="some-bureau").exists()


@pytest.mark.django_db(transaction=True)
def test_audit_event_is_rolled_back_with_the_agency() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        create_agency(actor=None, name="某局", short_code="some-bureau", kind=AgencyKind.DEPARTMENT)
        assert AuditEvent.objects.filter(action="agency.created").count() == 1
        raise RuntimeError("caller's transaction fails later")
    assert not Agency.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_add_membership_records_an_audit_event_with_the_agency(tree: Tree) -> None:
    officer = make_user("officer")
    membership = add_membership(actor=None, user=officer, agency=tree.town_a1, role=Role.INFORMATION_OFFICER)
    event = AuditEvent.objects.get(action="membership.added")
    assert event.agency == tree.town_a1
    assert event.object_id == str(membership.pk)
    assert event.details == {"user_id": officer.pk, "username": "officer", "role": "information_officer"}


@pytest.mark.django_db
def test_the_same_role_cannot_be_given_twice(tree: Tree) -> None:
    officer = make_user("officer")
    add_membership(actor=None, user=officer, agency=tree.town_a1, role=Role.REVIEWER)
    with pytest.raises(ValidationError) as info:
        add_membership(actor=None, user=officer, agency=tree.town_a1, role=Role.REVIEWER)
    assert "该用户在该机关已有此角色。" in info.value.messages
    # A different role at the same agency, or the same role elsewhere, is fine.
    add_membership(actor=None, user=officer, agency=tree.town_a1, role=Role.LEADER)
    add_membership(actor=None, user=officer, agency=tree.town_a2, role=Role.REVIEWER)
    assert Membership.objects.filter(user=officer).count() == 3


# --- Hierarchy ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_descendants_cover_every_level_below(tree: Tree) -> None:
    assert codes(tree.county_a.descendants()) == {"county-a-finance", "town-a1", "town-a1-office", "town-a2"}
    assert codes(tree.town_a1.descendants(include_self=True)) == {"town-a1", "town-a1-office"}
    assert codes(tree.town_b1.descendants()) == set()
    assert tree.city.depth == 0
    assert tree.town_a1_office.depth == 3


@pytest.mark.django_db
def test_descendants_take_one_query(tree: Tree, django_assert_num_queries: object) -> None:
    with django_assert_num_queries(1):  # type: ignore[operator]
        assert len(list(tree.city.descendants())) == 7


@pytest.mark.django_db
def test_moving_an_agency_moves_its_whole_subtree(tree: Tree) -> None:
    tree.town_a1.parent = tree.county_b
    tree.town_a1.save()
    assert codes(tree.county_b.descendants()) == {"town-b1", "town-a1", "town-a1-office"}
    assert codes(tree.county_a.descendants()) == {"county-a-finance", "town-a2"}
    office = Agency.objects.get(short_code="town-a1-office")
    assert office.ancestor_ids() == [tree.city.pk, tree.county_b.pk, tree.town_a1.pk]


@pytest.mark.django_db
def test_an_agency_cannot_be_placed_below_itself(tree: Tree) -> None:
    county = Agency.objects.get(pk=tree.county_a.pk)
    county.parent = tree.town_a1_office
    with pytest.raises(ValidationError) as info:
        county.full_clean()
    assert info.value.message_dict["parent"] == ["上级机关不能是本机关或其下级机关。"]
    with pytest.raises(ValueError):
        county.save()


@pytest.mark.django_db
def test_an_agency_with_children_cannot_be_deleted(tree: Tree) -> None:
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        tree.town_a1.delete()


@pytest.mark.django_db
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parents=st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=25))
def test_descendants_match_a_walk_of_the_tree(parents: list[int]) -> None:
    """Random trees: agency i's parent is one of agencies 0..i-1 (or none)."""
    with transaction.atomic():
        agencies: list[Agency] = []
        for i, choice in enumerate(parents):
            parent = agencies[choice % i] if i and choice % 3 else None
            agencies.append(
                create_agency(
                    actor=None, name=f"机关{i}", short_code=f"a{i}", kind=AgencyKind.OTHER, parent=parent
                )
            )
        children: dict[int, list[int]] = {}
        for agency in agencies:
            if agency.parent_id is not None:
                children.setdefault(agency.parent_id, []).append(agency.pk)
        for agency in agencies:
            expected: set[int] = set()
            stack = list(children.get(agency.pk, []))
            while stack:
                pk = stack.pop()
                expected.add(pk)
                stack.extend(children.get(pk, []))
            assert set(agency.descendants().values_list("pk", flat=True)) == expected
        transaction.set_rollback(True)


# --- Visibility and roles -------------------------------------------------------------------


@pytest.mark.django_db
def test_county_supervisor_sees_county_and_everything_below_but_not_a_sibling_county(tree: Tree) -> None:
    supervisor = make_user("supervisor")
    add_membership(actor=None, user=supervisor, agency=tree.county_a, role=Role.SUPERVISOR)
    visible = codes(agencies_visible_to(supervisor))
    assert visible == {"county-a", "county-a-finance", "town-a1", "town-a1-office", "town-a2"}
    assert "county-b" not in visible
    assert "town-b1" not in visible
    assert "city" not in visible


@pytest.mark.django_db
def test_officer_sees_only_their_own_agency(tree: Tree) -> None:
    officer = make_user("officer")
    add_membership(actor=None, user=officer, agency=tree.town_a1, role=Role.INFORMATION_OFFICER)
    assert codes(agencies_visible_to(officer)) == {"town-a1"}


@pytest.mark.django_db
def test_leader_of_a_county_does_not_see_below_it(tree: Tree) -> None:
    leader = make_user("leader")
    add_membership(actor=None, user=leader, agency=tree.county_a, role=Role.LEADER)
    assert codes(agencies_visible_to(leader)) == {"county-a"}


@pytest.mark.django_db
def test_visibility_combines_every_membership(tree: Tree, django_assert_num_queries: object) -> None:
    user = make_user("both")
    add_membership(actor=None, user=user, agency=tree.town_a1, role=Role.SUPERVISOR)
    add_membership(actor=None, user=user, agency=tree.town_b1, role=Role.REVIEWER)
    with django_assert_num_queries(2):  # type: ignore[operator]
        visible = codes(agencies_visible_to(user))
    assert visible == {"town-a1", "town-a1-office", "town-b1"}


@pytest.mark.django_db
def test_superuser_sees_all_and_strangers_see_nothing(tree: Tree) -> None:
    from django.contrib.auth.models import AnonymousUser

    root = make_user("root", is_superuser=True)
    assert agencies_visible_to(root).count() == len(tree.all())
    assert agencies_visible_to(make_user("nobody")).count() == 0
    assert agencies_visible_to(AnonymousUser()).count() == 0
    inactive = make_user("gone", is_active=False)
    add_membership(actor=None, user=inactive, agency=tree.city, role=Role.SUPERVISOR)
    assert agencies_visible_to(inactive).count() == 0


@pytest.mark.django_db
def test_has_role_is_exact_and_not_inherited(tree: Tree) -> None:
    reviewer = make_user("reviewer")
    add_membership(actor=None, user=reviewer, agency=tree.county_a, role=Role.REVIEWER)
    assert has_role(reviewer, tree.county_a, Role.REVIEWER)
    assert has_role(reviewer, tree.county_a, [Role.LEADER, Role.REVIEWER])
    assert not has_role(reviewer, tree.county_a, Role.LEADER)
    assert not has_role(reviewer, tree.town_a1, Role.REVIEWER)
    assert not has_role(make_user("root", is_superuser=True), tree.county_a, Role.REVIEWER)
