"""argparse speaking Japanese: `JapaneseParser`, the parser of the command and its subcommands.

argparse words its usage errors and help in English through gettext, with no Japanese
catalogue. `JapaneseParser.error()` translates each message argparse can raise from a
command line (unrecognized arguments, invalid choice, invalid int value, required
arguments, …) and prints one line `kanazawa-desktop: エラー: …` on stderr, exit 2; the
help says 「使い方」, 「引数」, 「オプション」. A message no pattern knows is printed as
argparse worded it (still one line, still exit 2): better English than nothing.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import NoReturn

_TYPE_NAMES = {"int": "整数", "float": "数値", "Path": "パス", "str": "文字列"}


def _choices(text: str) -> str:
    return "、".join(part.strip().strip("'\"") for part in text.split(","))


def _invalid_value(m: re.Match[str]) -> str:
    kind = _TYPE_NAMES.get(m["type"], m["type"])
    return f"{kind}として正しくない値です: {m['value']}"


# (pattern of argparse's English message, its Japanese); tried in order on the whole message
_MESSAGES: list[tuple[re.Pattern[str], object]] = [
    (re.compile(r"^argument (?P<arg>.+?): (?P<rest>.*)$", re.S), None),  # handled in _translate
    (re.compile(r"^unrecognized arguments: (?P<args>.*)$"), "認識できない引数があります: {args}"),
    (
        re.compile(r"^invalid choice: (?P<value>.*?) \(choose from (?P<choices>.*)\)$"),
        lambda m: (
            f"選択肢にない値です: {m['value'].strip(chr(39))}"
            f"（次から選んでください: {_choices(m['choices'])}）"
        ),
    ),
    (re.compile(r"^invalid (?P<type>\S+) value: '?(?P<value>.*?)'?$"), _invalid_value),
    (
        re.compile(r"^the following arguments are required: (?P<args>.*)$"),
        "次の引数が必要です: {args}",
    ),
    (
        re.compile(r"^one of the arguments (?P<args>.*) is required$"),
        "次の引数のどれか一つが必要です: {args}",
    ),
    (re.compile(r"^not allowed with argument (?P<arg>.*)$"), "{arg} と同時には指定できません"),
    (re.compile(r"^expected one argument$"), "値を一つ指定してください"),
    (re.compile(r"^expected at most one argument$"), "値は一つまでです"),
    (re.compile(r"^expected at least one argument$"), "値を一つ以上指定してください"),
    (re.compile(r"^expected (?P<n>\d+) arguments?$"), "値を{n}個指定してください"),
    (
        re.compile(r"^ambiguous option: (?P<opt>\S+) could match (?P<matches>.*)$"),
        "オプション {opt} はあいまいです（候補: {matches}）",
    ),
    (re.compile(r"^ignored explicit argument (?P<value>.*)$"), "値は指定できません: {value}"),
]


def translate(message: str) -> str:
    """argparse's English usage message in Japanese (unchanged when no pattern matches)."""
    m = _MESSAGES[0][0].match(message)
    if m is not None:  # "argument --year: invalid int value: 'x'": the option, then its reason
        return f"{m['arg']}: {translate(m['rest'])}"
    for pattern, japanese in _MESSAGES[1:]:
        m = pattern.match(message)
        if m is None:
            continue
        if callable(japanese):
            return str(japanese(m))
        return str(japanese).format(**m.groupdict())
    return message


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        super().add_usage(usage, actions, groups, prefix="使い方: " if prefix is None else prefix)


class JapaneseParser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors and help are Japanese (see the module)."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("formatter_class", _Formatter)
        add_help = kwargs.pop("add_help", True)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = "引数"
        self._optionals.title = "オプション"
        if add_help:
            self.add_argument("-h", "--help", action="help", help="この説明を表示して終了します")

    def error(self, message: str) -> NoReturn:  # one line, exit 2
        text = " ".join(translate(message).split())
        sys.stderr.write(f"kanazawa-desktop: エラー: {text}\n")
        sys.exit(2)
