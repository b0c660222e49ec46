"""Personal data is encrypted at rest, findable only through its keyed hash, validated, and
masked wherever it is shown."""

from __future__ import annotations

import pytest
from django.core.exceptions import FieldError, ValidationError
from django.db import connection

from shezhi.accounts.models import User
from shezhi.core import crypto
from shezhi.core.fields import hash_for_lookup
from shezhi.core.personal_data import PersonalKind, mask, validate_id_number, validate_phone
from shezhi.core.testing import Personas

PHONE = "13812345678"


def raw_row(table: str, pk: int, *columns: str) -> tuple[str, ...]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()


@pytest.mark.django_db
def test_the_raw_column_holds_a_fernet_token_and_no_plaintext(people: Personas) -> None:
    user = people.town_officer
    user.phone = "138 1234-5678"
    user.save()
    phone, phone_hash = raw_row("accounts_user", user.pk, "phone", "phone_hash")
    assert phone.startswith(crypto.TOKEN_PREFIX)
    assert PHONE not in phone and "5678" not in phone
    assert crypto.decrypt(phone) == PHONE  # normalized before encryption
    assert (
        phone_hash
        == hash_for_lookup(PersonalKind.PHONE, PHONE)
        == hash_for_lookup("phone", "138-1234-5678")
    )
    # The history table copies the column: encrypted there too.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT phone FROM accounts_historicaluser WHERE id = %s AND phone IS NOT NULL",
            [user.pk],
        )
        historical = [row[0] for row in cursor.fetchall()]
    assert historical and all(
        h.startswith(crypto.TOKEN_PREFIX) and PHONE not in h for h in historical
    )
    # Reading through the ORM gives the plaintext back; lookups go through the hash.
    assert User.objects.get(pk=user.pk).phone == PHONE
    assert list(User.objects.filter(phone_hash=hash_for_lookup("phone", PHONE))) == [user]


@pytest.mark.django_db
def test_each_save_encrypts_afresh(people: Personas) -> None:
    a, b = people.town_officer, people.window_clerk
    for user in (a, b):
        user.phone = PHONE
        user.save()
    (token_a,), (token_b,) = (
        raw_row("accounts_user", a.pk, "phone"),
        raw_row("accounts_user", b.pk, "phone"),
    )
    assert token_a != token_b  # Fernet is randomized: equal numbers do not look equal
    assert raw_row("accounts_user", a.pk, "phone_hash") == raw_row(
        "accounts_user", b.pk, "phone_hash"
    )


@pytest.mark.django_db
def test_plaintext_lookups_on_the_encrypted_column_are_refused() -> None:
    with pytest.raises(FieldError, match="Unsupported lookup 'exact'"):
        list(User.objects.filter(phone=PHONE))


def test_a_real_id_number_is_valid() -> None:
    assert validate_id_number("11010519491231002X") == []
    assert validate_id_number("11010519491231002x") == []  # lower-case x normalized


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("110105194912310021", "X"),
        ("11010519491231002X"[:-1] + "5", "X"),
        ("440105199001010010", "7"),
    ],
)
def test_a_broken_checksum_names_the_expected_character(number: str, expected: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_id_number(number)
    assert caught.value.code == "checksum"
    assert caught.value.messages == [f"身份证号码第18位校验码应为 {expected}。"]


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("1101051949123100", "length"),
        ("1101051949123100X1", "format"),
        ("110105194902300023", "birth_date"),  # 30 February
    ],
)
def test_malformed_id_numbers_are_refused(number: str, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_id_number(number)
    assert caught.value.code == code


def test_an_unknown_address_code_only_warns() -> None:
    # 999999 is no division, but the checksum is right: python-stdnum would refuse it.
    from stdnum.cn import ric

    body = "99999919900101001"
    # calc_check_digit ignores the last character it is given: the check character's place.
    warnings = validate_id_number(body + ric.calc_check_digit(body + "?"))
    assert warnings == ["身份证号码的地址码不在行政区划表中，请核对。"]


@pytest.mark.parametrize("phone", ["13812345678", "+86 138 1234 5678", "020-12345678"])
def test_phone_numbers_are_accepted(phone: str) -> None:
    validate_phone(phone)


@pytest.mark.django_db
def test_a_bad_phone_is_refused_by_full_clean(people: Personas) -> None:
    user = people.town_officer
    user.phone = "12345"
    with pytest.raises(ValidationError) as caught:
        user.full_clean()
    assert caught.value.message_dict["phone"] == ["电话号码格式不正确。"]


def test_masking_keeps_only_the_ends() -> None:
    assert mask(PersonalKind.ID_NUMBER, "44010519900101123X") == "440105********123X"
    assert mask(PersonalKind.PHONE, PHONE) == "138****5678"
    assert mask(PersonalKind.PHONE, "") == ""
