"""Every reading of a resource's Properties: branches, literal functions, parameters."""

from __future__ import annotations

from phone_number_settings_templates.branches import (
    ABSENT,
    Source,
    TemplateValues,
    choices,
    literal_value,
    readings,
    with_literals,
)

VALUES = TemplateValues(
    parameters={
        "Line": {"Type": "String", "Default": "Acme", "AllowedValues": ["Acme", "Beta"]},
        "Names": {"Type": "CommaDelimitedList", "Default": "a,b"},
        "Free": {"Type": "String"},
    },
    mappings={"Lines": {"Support": {"Display": "Acme", "Number": 5}}},
)


def test_if_branches_carry_their_condition_and_place() -> None:
    found = choices({"Fn::If": ["IsProd", "a", {"Fn::If": ["Big", "b", "c"]}]}, ("K",), VALUES)
    assert [(c.value, c.path, c.conditions) for c in found] == [
        ("a", ("K", "Fn::If", 1), (("IsProd", True),)),
        ("b", ("K", "Fn::If", 2, "Fn::If", 1), (("Big", True), ("IsProd", False))),
        ("c", ("K", "Fn::If", 2, "Fn::If", 2), (("Big", False), ("IsProd", False))),
    ]


def test_an_if_on_the_same_condition_inside_itself_keeps_the_consistent_branch() -> None:
    found = choices({"Fn::If": ["C", {"Fn::If": ["C", "yes", "never"]}, "no"]}, (), VALUES)
    assert [c.value for c in found] == ["yes", "no"]


def test_parameters_read_as_their_default_and_allowed_values() -> None:
    found = choices({"Ref": "Line"}, ("K",), VALUES)
    assert [(c.value, c.source, c.parameter) for c in found] == [
        ("Acme", Source.DEFAULT, "Line"),
        ("Acme", Source.ALLOWED_VALUE, "Line"),
        ("Beta", Source.ALLOWED_VALUE, "Line"),
    ]
    for untouched in ({"Ref": "Names"}, {"Ref": "Free"}, {"Ref": "AWS::Region"}):
        assert [c.value for c in choices(untouched, (), VALUES)] == [untouched]
    assert choices({"Ref": "AWS::NoValue"}, (), VALUES)[0].value is ABSENT


def test_literal_functions_evaluate_and_others_wait_for_the_deploy() -> None:
    assert literal_value({"Fn::Sub": "a${!B}c"}, VALUES) == "a${B}c"
    assert literal_value({"Fn::Sub": "${AWS::Region}"}, VALUES) is None
    assert literal_value({"Fn::Join": [" ", ["a", {"Fn::Sub": "b"}, 3]]}, VALUES) == "a b 3"
    assert literal_value({"Fn::Join": [" ", ["a", {"Ref": "X"}]]}, VALUES) is None
    assert literal_value({"Fn::FindInMap": ["Lines", "Support", "Number"]}, VALUES) == 5
    assert literal_value({"Fn::FindInMap": ["Lines", "Nope", "Number"]}, VALUES) is None
    assert literal_value({"Fn::FindInMap": ["Lines", {"Ref": "Env"}, "Number"]}, VALUES) is None
    assert with_literals({"A": [{"Fn::Sub": "x"}], "B": {"Ref": "P"}}, VALUES) == {
        "A": ["x"],
        "B": {"Ref": "P"},
    }


def test_readings_combine_consistent_branches_only() -> None:
    properties = {
        "A": {"Fn::If": ["C", "a1", "a2"]},
        "B": {"Fn::If": ["C", "b1", {"Ref": "AWS::NoValue"}]},
    }
    found = readings(properties)
    assert [(r.properties, r.conditions) for r in found] == [
        ({"A": "a1", "B": "b1"}, (("C", True),)),
        ({"A": "a2"}, (("C", False),)),
    ]
    assert readings(properties, within=(("C", False),))[0].properties == {"A": "a2"}
    assert (
        len(readings(properties, can_hold=lambda conditions: dict(conditions) != {"C": True})) == 1
    )


def test_whole_properties_under_an_if() -> None:
    found = readings({"Fn::If": ["C", {"A": "x"}, {"Ref": "AWS::NoValue"}]})
    assert [(r.properties, r.path, r.outer_conditions) for r in found] == [
        ({"A": "x"}, ("Fn::If", 1), (("C", True),)),
        ({}, ("Fn::If", 2), (("C", False),)),
    ]
    assert [r.properties for r in readings(None)] == [None]


def test_a_sub_of_parameters_with_defaults_reads_as_the_defaults() -> None:
    (found,) = choices({"Fn::Sub": "${Line} ${Line} ${!Literal}"}, ("K",), VALUES)
    assert (found.value, found.source, found.parameter) == (
        "Acme Acme ${Literal}",
        Source.DEFAULT,
        "Line",
    )
    for waiting in ("${Free} x", "${Line} ${AWS::Region}", "${Names}"):
        assert choices({"Fn::Sub": waiting}, (), VALUES)[0].value == {"Fn::Sub": waiting}
