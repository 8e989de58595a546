"""The patient identifier guard: NHS numbers, dates of birth, names and postcodes."""

import pytest
from nhs_number import calculate_checksum

from ksf.privacy import patient_identifier_problem


def with_check_digit(nine: str) -> str:
    """A real NHS number: nine digits and their modulus-11 check digit."""
    check = calculate_checksum(nine)
    assert check < 10, "nine digits whose check digit would be 10 make no NHS number"
    return f"{nine}{check}"


def test_check_digits_are_computed_as_the_nhs_does():
    # 943 476 591: weights 10..2 give 299, 299 mod 11 = 2, 11 - 2 = 9.
    assert with_check_digit("943476591") == "9434765919"
    assert with_check_digit("401023213") == "4010232137"


@pytest.mark.parametrize(
    "value",
    [
        with_check_digit("943476591"),
        with_check_digit("401023213"),
        with_check_digit("485777345"),
        "943 476 5919",
        "943-476-5919",
        "NHS 943 476 5919 R shoulder",
    ],
)
def test_a_valid_nhs_number_is_refused(value):
    problem = patient_identifier_problem(value)
    assert problem is not None and "NHS number" in problem


@pytest.mark.parametrize(
    "value",
    [
        "9434765918",  # the last digit is not the check digit
        "1234567881",
        "123456789",  # nine digits
        "94347659190",  # eleven digits
        "US-0142",
        "SHO-2025-17",
        "Case 12",
        "K14",
        "",
    ],
)
def test_near_misses_and_pseudonymised_references_are_allowed(value):
    assert patient_identifier_problem(value) is None


@pytest.mark.parametrize(
    "value",
    ["14/03/1956", "1956-03-14", "14.03.56", "3-4-1970", "DOB 01/02/2001", "14 March 1956"],
)
def test_a_date_like_a_date_of_birth_is_refused(value):
    problem = patient_identifier_problem(value)
    assert problem is not None and "date of birth" in problem


def test_a_number_that_is_not_a_real_date_is_not_called_a_date():
    assert patient_identifier_problem("31/02/1956") is None
    assert patient_identifier_problem("45.17.22") is None


@pytest.mark.parametrize(
    "value", ["John Smith", "Mr Jones", "mrs a smith", "Dr. Patel", "Mary Ann Evans", "Ms O'Neill"]
)
def test_a_name_is_refused(value):
    problem = patient_identifier_problem(value)
    assert problem is not None and "name" in problem


@pytest.mark.parametrize("value", ["Left Shoulder", "Knee Clinic 4", "Shoulder", "US Knee 3"])
def test_clinical_labels_are_not_names(value):
    assert patient_identifier_problem(value) is None


@pytest.mark.parametrize("value", ["CF10 3AT", "SW1A 1AA", "ll57 2pw", "M1 1AE"])
def test_a_postcode_is_refused(value):
    problem = patient_identifier_problem(value)
    assert problem is not None and "postcode" in problem
