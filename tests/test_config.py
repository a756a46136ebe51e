from __future__ import annotations

from pathlib import Path

import pytest

from ecrfix.config import Config, ConfigError, find_config, load_config
from ecrfix.files import walk_files
from ecrfix.model import CREATION_TEMPLATE, REPOSITORY, Settings


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "sub" / "deeper")
    return tmp_path


def test_no_configuration_means_defaults(project: Path) -> None:
    assert find_config(project / "sub" / "deeper") is None
    assert load_config() == Config()


def test_found_upwards_and_nearest_wins(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.ecrfix]\nstrict = true\n")
    assert load_config() == Config(path=project / "pyproject.toml", strict=True)
    (project / "sub" / ".ecrfix.toml").write_text("unsafe-fixes = true\n")
    assert load_config() == Config(path=project / "sub" / ".ecrfix.toml", unsafe_fixes=True)


def test_pyproject_without_a_table_is_passed_over(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.ecrfix]\nstrict = true\n")
    (project / "sub" / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert find_config(Path.cwd()) == project / "pyproject.toml"


def test_own_file_beats_pyproject_in_the_same_folder(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.ecrfix]\nstrict = true\n")
    (project / ".ecrfix.toml").write_text("strict = false\n")
    assert find_config(Path.cwd()) == project / ".ecrfix.toml"


def test_every_key(project: Path) -> None:
    (project / ".ecrfix.toml").write_text(
        'include = ["*.yaml", "*.cfn"]\nexclude = ["vendor"]\nextend-exclude = ["tmp/*.yaml"]\n'
        'strict = true\nunsafe-fixes = true\nresource-types = ["AWS::ECR::Repository"]\n'
    )
    assert load_config() == Config(
        path=project / ".ecrfix.toml",
        include=("*.yaml", "*.cfn"),
        exclude=("vendor", "tmp/*.yaml"),
        strict=True,
        unsafe_fixes=True,
        resource_types=frozenset({REPOSITORY}),
    )


@pytest.mark.parametrize(
    ("text", "message"),
    (
        pytest.param("stict = true\n", "unknown key 'stict'", id="unknown key"),
        pytest.param('strict = "yes"\n', "'strict' must be true or false", id="strict not a bool"),
        pytest.param(
            "unsafe-fixes = 1\n", "'unsafe-fixes' must be true or false", id="unsafe not a bool"
        ),
        pytest.param(
            'include = "*.yaml"\n', "'include' must be a list of non-empty strings", id="not a list"
        ),
        pytest.param(
            'exclude = [""]\n', "'exclude' must be a list of non-empty strings", id="empty glob"
        ),
        pytest.param(
            'resource-types = ["AWS::S3::Bucket"]\n',
            f"'resource-types' accepts {REPOSITORY} and {CREATION_TEMPLATE}, not 'AWS::S3::Bucket'",
            id="unknown resource type",
        ),
        pytest.param(
            "resource-types = []\n",
            f"'resource-types' accepts {REPOSITORY} and {CREATION_TEMPLATE}",
            id="no resource type",
        ),
    ),
)
def test_bad_key_or_value_names_file_and_key(project: Path, text: str, message: str) -> None:
    (project / ".ecrfix.toml").write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config()
    assert str(caught.value) == f"../../.ecrfix.toml: {message}"


def test_pyproject_errors_name_the_table(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.ecrfix]\nbogus = 1\n")
    with pytest.raises(ConfigError, match=r"pyproject.toml: \[tool.ecrfix\] unknown key 'bogus'"):
        load_config()


def test_invalid_toml_names_file_and_line(project: Path) -> None:
    (project / ".ecrfix.toml").write_text("strict = true\nstrict = \n")
    with pytest.raises(ConfigError, match=r"\.ecrfix\.toml: invalid TOML: .*line 2"):
        load_config()


def test_explicit_file(project: Path) -> None:
    (project / "custom.toml").write_text("strict = true\n")
    assert load_config(str(project / "custom.toml")).strict
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    with pytest.raises(ConfigError, match=r"no \[tool.ecrfix\] table"):
        load_config(str(project / "pyproject.toml"))
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(str(project / "missing.toml"))


@pytest.mark.parametrize(
    ("strict", "unsafe", "expected"),
    (
        (None, None, Settings(strict=True, unsafe_fixes=True)),
        (False, None, Settings(strict=False, unsafe_fixes=True)),
        (None, False, Settings(strict=True, unsafe_fixes=False)),
    ),
)
def test_flags_win(strict: bool | None, unsafe: bool | None, expected: Settings) -> None:
    assert Config(strict=True, unsafe_fixes=True).settings(strict, unsafe) == expected


def test_selection_of_walked_files(project: Path) -> None:
    for name in ("a.yaml", "b.cfn", "vendor/c.yaml", "tmp/d.yaml", "keep/tmp/e.yaml", "f.json"):
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text("x")
    config = Config(
        path=project / ".ecrfix.toml",
        include=("*.yaml", "*.cfn"),
        exclude=("vendor", "/tmp"),
    )

    def found(config: Config) -> list[str]:
        paths = [path for path, _ in walk_files(str(project), [], config.selection())]
        return sorted(Path(p).relative_to(project).as_posix() for p in paths)

    assert found(config) == ["a.yaml", "b.cfn", "keep/tmp/e.yaml"]
    assert found(Config()) == ["a.yaml", "f.json", "keep/tmp/e.yaml", "tmp/d.yaml", "vendor/c.yaml"]
