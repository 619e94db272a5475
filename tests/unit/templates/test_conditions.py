"""Whether conditions can hold together, as cfn-lint's solver tells."""

from __future__ import annotations

from phone_number_settings_templates.conditions import template_solver

TEMPLATE = {
    "Parameters": {"Env": {"Type": "String", "AllowedValues": ["prod", "dev"]}},
    "Conditions": {
        "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
        "IsProduction": {"Fn::Equals": ["prod", {"Ref": "Env"}]},
        "IsDev": {"Fn::Equals": [{"Ref": "Env"}, "dev"]},
        "NotProd": {"Fn::Not": [{"Condition": "IsProd"}]},
        "InEast": {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]},
        "ProdInEast": {"Fn::And": [{"Condition": "IsProd"}, {"Condition": "InEast"}]},
    },
}


def test_what_can_hold_together() -> None:
    can_hold = template_solver(TEMPLATE)
    assert can_hold((("IsProd", True), ("IsProduction", True)))
    assert can_hold((("InEast", True), ("IsProd", True)))
    assert can_hold(())
    assert not can_hold((("IsProd", True), ("NotProd", True)))
    assert not can_hold((("IsDev", True), ("IsProd", True)))
    assert not can_hold((("IsProd", True), ("IsProduction", False)))
    assert not can_hold((("NotProd", True), ("ProdInEast", True)))


def test_a_condition_the_solver_does_not_know_is_free() -> None:
    can_hold = template_solver(TEMPLATE)
    assert can_hold((("IsProd", True), ("Undeclared", True)))
    assert can_hold((("Undeclared", False),))
    assert template_solver({"Conditions": "not an object"})((("IsProd", True),))
