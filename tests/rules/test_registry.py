"""A rule is one module: a rule written here, in a file of the test's own, takes part in the policy
defaults and checks, the model, the checker's report, the page's form and the API's schema
without any other file of the project knowing it."""

from __future__ import annotations

import importlib.util
import textwrap
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import pytest
from fastapi.testclient import TestClient

from api.config import Settings
from api.main import create_app
from api.web.routes import messages, rule_forms
from optimizer.errors import ScenarioError
from optimizer.options import EngineSettings
from optimizer.report import check_plan
from optimizer.rules import RULE_MODULES, all_rules, default_policy, policy_from_dict, register, rule_ids
from optimizer.solve import solve
from tests.tiny import NO_HIRES, two_school_county

COUNTY_CAP = '''
"""county_cap: at most `max_moves` teachers move in the whole county (a county's own rule)."""

from optimizer.instance import Instance
from optimizer.params import Param, mode_param, weight_param
from optimizer.rules.base import Rule, row


class CountyCap(Rule):
    id = "county_cap"
    title_zh = "全县交流上限"
    title_en = "county cap"
    params = (
        mode_param("hard"),
        weight_param(7),
        Param("max_moves", 1, "integer", "全县交流不超过", "Moves in the county at most", "人", "teachers"),
    )

    def instance(self, scenario):
        cap = int(scenario.policy.rule(self.id)["max_moves"])
        return Instance(self.id, "county", "all", cap, "teachers", f"至多 {cap} 人", f"at most {cap}")

    def build(self, builder):
        instance = self.instance(builder.scenario)
        everyone = builder.total(range(len(builder.candidates)))
        builder.at_most(instance, everyone, int(instance.target), max_excess=len(builder.candidates))

    def check(self, scenario, plan):
        cap = int(scenario.policy.rule(self.id)["max_moves"])
        excess = max(0, len(plan.moves) - cap)
        return [
            row(self.id, scenario, "county", "all", target=cap, achieved=len(plan.moves), shortfall=excess,
                zh=f"交流 {len(plan.moves)} 人,上限 {cap} 人", en=f"{len(plan.moves)} move, at most {cap}")
        ]


RULE = CountyCap()
'''


@pytest.fixture
def county_cap(tmp_path: Path) -> Iterator[ModuleType]:
    path = tmp_path / "county_cap.py"
    path.write_text(textwrap.dedent(COUNTY_CAP), encoding="utf-8")
    spec = importlib.util.spec_from_file_location("county_cap", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with register(module.RULE):
        yield module


def test_a_registered_rule_has_policy_defaults_and_checked_parameters(county_cap: ModuleType) -> None:
    assert "county_cap" in rule_ids()
    assert dict(default_policy().rule("county_cap")) == {"mode": "hard", "weight": 7, "max_moves": 1}
    assert default_policy().with_overrides(["county_cap.max_moves=4"]).rule("county_cap")["max_moves"] == 4
    with pytest.raises(ScenarioError) as error:
        policy_from_dict({"rules": {"county_cap": {"max_moves": -1, "colour": "red"}}})
    problems = {(p.column, p.code, p.rule) for p in error.value.problems}
    assert problems == {
        ("rules.county_cap.max_moves", "bad_value", "county_cap"),
        ("rules.county_cap.colour", "unknown_parameter", "county_cap"),
    }
    assert all(p.zh and p.en for p in error.value.problems)


def test_a_registered_rule_is_built_into_the_model_and_checked(county_cap: ModuleType) -> None:
    # Two posts to fill by moves (U1 has 2 to spare, nobody is hired), a cap of one.
    county = two_school_county(urban_teachers=10, rural_need=2, urban_spare=2, overrides=[NO_HIRES])
    capped = solve(county, EngineSettings(time_limit=20, seed=1))
    assert len(capped.plan.moves) == 1
    row = next(r for r in capped.report if r.rule == "county_cap")
    assert (row.target, row.achieved, row.status, row.mode) == (1, 1, "met", "hard")
    two = replace(county, policy=county.policy.with_overrides(["county_cap.max_moves=2"]))
    assert len(solve(two, EngineSettings(time_limit=20, seed=1)).plan.moves) == 2
    broken = next(
        r
        for r in check_plan(county, solve(two, EngineSettings(time_limit=20, seed=1)).plan)
        if r.rule == "county_cap"
    )
    assert (broken.status, broken.shortfall) == ("violated", 1)


def test_a_registered_rule_appears_in_the_page_form_and_the_api_schema(
    county_cap: ModuleType, tmp_path: Path
) -> None:
    form = next(f for f in rule_forms() if f.rule == "county_cap")
    assert [p.name for p in form.params] == ["mode", "weight", "max_moves"]
    labels = messages()
    assert labels["param.county_cap.max_moves"] == {
        "zh": "全县交流不超过",
        "en": "Moves in the county at most",
    }
    assert labels["rule.county_cap"] == {"zh": "全县交流上限", "en": "county cap"}
    with TestClient(create_app(Settings(database_url=f"sqlite:///{tmp_path / 'rotation.db'}"))) as client:
        page = client.get("/").text
        assert 'data-rule="county_cap"' in page and "全县交流不超过" in page
        schema = client.get("/openapi.json").json()
    policy = schema["components"]["schemas"]["Policy"]
    cap = policy["properties"]["rules"]["properties"]["county_cap"]["properties"]
    assert cap["max_moves"]["type"] == "integer" and cap["max_moves"]["default"] == 1
    assert "county_cap\\.max_moves" in schema["components"]["schemas"]["Override"]["pattern"]


def test_the_registry_forgets_a_rule_after_its_block() -> None:
    assert "county_cap" not in rule_ids()
    assert len(all_rules()) == len(RULE_MODULES)
