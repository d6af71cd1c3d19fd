"""Make a city-scale secretariat database: a generated plan of N measures, a quarter with results.

    .venv/bin/python bench/make_city.py --measures N --out DB [--departments 100] [--seed 1]

The plan has the bundled plan's shape at a larger scale: 5 方針 x 10 項目 x 10 小項目
(labels 方針1, (1), ①...), `--departments` departments with unique Japanese names, and N rows
in printed order spread over the 小項目: about 10 % joint measures (2-3 departments), about 1 %
【再掲】 rows (no number of their own, `repeat_of` an earlier number, key `再掲-No.<n>`), about a
quarter 【数値目標】 with an indicator (name, unit, direction, yearly targets), Japanese texts of
50-300 characters (概要, めざす姿, 実施計画 per year), 関連計画 lists and 確保する行政資源 flags.

The plan is stored under the bundled plan's code (`gyosei_keiei`) with the app's own loader
(store.plan_loader.load_plan) before the app first opens the file, so Desk.open keeps it
instead of loading the bundled plan. Then a quarter of the numbered measures get results
(実施結果, 計画達成状況 and, where a target exists, 実績値 for every year of the plan) through the
app's write path, Desk.save, one save per measure, so the change history is what the app writes
(the saves are committed 200 at a time: each nests in an outer transaction as a savepoint).

Deterministic: the same arguments give the same data (the database uid is drawn from the same
seeded generator; only the timestamps of the history differ). An existing file at --out is
refused, not overwritten. Prints one line of counts and the time taken.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kanazawa_desktop.domain.indicator import (  # noqa: E402
    Better,
    Bound,
    Indicator,
    Limit,
    OutsideLimit,
    indicator_to_dict,
    legacy_indicator,
)
from kanazawa_desktop.services.desk import PLAN_CODE, Desk  # noqa: E402
from kanazawa_desktop.store import repository as repo  # noqa: E402
from kanazawa_desktop.store.connection import connect, write_transaction  # noqa: E402
from kanazawa_desktop.store.models import database_proxy  # noqa: E402
from kanazawa_desktop.store.plan_loader import load_plan  # noqa: E402
from kanazawa_desktop.store.schema import ensure_schema  # noqa: E402

FIRST_FY, LAST_FY = 2023, 2026
POLICIES, ITEMS, SUBITEMS = 5, 10, 10
COMMIT_EVERY = 200  # saves per commit when filling results (one fsync each, not one per save)

DEPT_STEMS = [
    "人事",
    "財政",
    "企画調整",
    "市民協働",
    "福祉",
    "道路",
    "河川",
    "公園緑地",
    "税務",
    "会計",
    "広報広聴",
    "情報システム",
    "危機管理",
    "環境",
    "観光",
    "文化",
    "学校教育",
    "保育幼稚園",
    "子育て支援",
    "健康",
    "医療保険",
    "介護保険",
    "障害福祉",
    "農業",
    "森林",
    "水産",
    "商工業",
    "産業立地",
    "交通",
    "都市計画",
    "市営住宅",
    "建築指導",
    "下水道",
    "水道",
    "消防",
    "国際交流",
    "男女共同参画",
    "契約",
    "資産経営",
    "生涯学習",
    "スポーツ",
    "文化財保護",
    "ごみ減量",
    "生活衛生",
    "地域振興",
    "景観",
    "歩ける環境",
    "市街地再生",
    "中心市街地",
    "デジタル行政",
    "ゼロカーボン",
    "文書法制",
    "調査統計",
    "監査",
    "選挙管理",
]
DEPT_SUFFIXES = ["課", "推進課", "政策課", "管理課", "振興課", "企画課"]

TOPICS = [
    "窓口業務",
    "電子申請",
    "行政データ",
    "公共施設",
    "地域コミュニティ",
    "町会活動",
    "防災訓練",
    "子育て支援",
    "高齢者福祉",
    "障害者雇用",
    "観光誘客",
    "伝統工芸",
    "中心市街地",
    "公共交通",
    "自転車利用",
    "ごみ減量",
    "再生可能エネルギー",
    "森林整備",
    "農産物ブランド",
    "学校施設",
    "放課後児童クラブ",
    "生涯学習",
    "文化施設",
    "スポーツ施設",
    "市営住宅",
    "道路維持管理",
    "上下水道",
    "ペーパーレス会議",
    "庁内ネットワーク",
    "職員研修",
    "人材育成",
    "財源確保",
    "ふるさと納税",
    "債権管理",
    "公有財産",
    "外郭団体",
    "官民連携",
    "大学連携",
    "オープンデータ",
    "広報紙",
    "ＳＮＳ発信",
    "移住定住",
    "空き家対策",
    "景観保全",
    "歴史的建造物",
    "健康づくり",
]
ACTIONS = [
    "の推進",
    "の充実",
    "の見直し",
    "のデジタル化",
    "の効率化",
    "の強化",
    "の再編",
    "の利用促進",
    "の適正化",
    "の拡充",
    "の活用",
    "の最適化",
]
PURPOSES = [
    "市民サービスの向上を図る",
    "業務の効率化を進める",
    "持続可能な行政運営を実現する",
    "地域の担い手を確保する",
    "誰もが暮らしやすいまちをつくる",
    "財政負担の軽減を図る",
    "安全・安心な暮らしを守る",
    "交流人口の拡大につなげる",
    "職員の働き方を改善する",
    "脱炭素社会の実現に寄与する",
]
MEANS = [
    "関係部局と連携し",
    "民間事業者のノウハウを活用して",
    "地域団体と協働し",
    "ＩＣＴを活用して",
    "利用者の意見を踏まえ",
    "先進都市の事例を参考に",
    "計画的に",
    "段階的に",
    "庁内横断的に",
]
DOINGS = [
    "実施体制を整備する",
    "手続の簡素化を進める",
    "情報発信を強化する",
    "運用ルールを見直す",
    "モデル事業を実施する",
    "効果検証を行う",
    "研修を充実させる",
    "利用環境を整える",
    "推進計画を策定する",
    "補助制度を拡充する",
    "実証実験を行う",
    "担い手の育成を支援する",
]
STATES = [
    "多くの市民が利用している",
    "業務時間が削減されている",
    "地域の活動が活発になっている",
    "手続がオンラインで完結している",
    "職員が新たな業務に取り組んでいる",
    "利用者の満足度が高まっている",
    "維持管理の費用が抑えられている",
    "関係団体との連携が定着している",
]
RELATED = [
    "金沢市DXアクションプラン",
    "第3次金沢版総合戦略",
    "金沢市デジタル戦略2.0",
    "金沢市公共施設等総合管理計画",
    "第2次金沢市環境基本計画",
    "金沢市地域福祉計画",
    "金沢市子ども・子育て支援事業計画",
    "第3次金沢交通戦略",
    "金沢市教育振興基本計画",
    "金沢市地域防災計画",
    "金沢市人材育成基本方針",
    "金沢市観光戦略プラン",
]
INDICATORS = [
    ("電子申請件数", "件"),
    ("参加者数", "人"),
    ("利用者数", "人"),
    ("実施回数", "回"),
    ("削減時間", "時間"),
    ("登録団体数", "団体"),
    ("達成率", "%"),
    ("ごみ排出量", "t/年"),
    ("研修受講者数", "名"),
    ("公開データセット数", "件"),
    ("満足度", "%"),
    ("実施地区数", "地区"),
]
DIRECTIONS = ["increase"] * 5 + ["at_least"] * 3 + ["at_most", "decrease"]
CIRCLED = (
    [chr(0x2460 + i) for i in range(20)]
    + [chr(0x3251 + i) for i in range(15)]
    + [chr(0x32B1 + i) for i in range(15)]
)


def circled(n: int) -> str:
    """①..㊿ like the printed plan; a plain (n) beyond 50."""
    return CIRCLED[n - 1] if 1 <= n <= len(CIRCLED) else f"({n})"


def text(rng: random.Random, lo: int, hi: int, what: str = "") -> str:
    """A Japanese paragraph of lo..hi characters made of plausible administrative sentences."""
    target = rng.randint(lo, hi)
    parts: list[str] = []
    length = 0
    while length < target:
        kind = rng.random()
        if kind < 0.5:
            s = f"{rng.choice(PURPOSES)}ため、{what or rng.choice(TOPICS)}について{rng.choice(MEANS)}{rng.choice(DOINGS)}。"
        elif kind < 0.8:
            s = f"あわせて、{rng.choice(TOPICS)}{rng.choice(ACTIONS)}に向けて{rng.choice(DOINGS)}。"
        else:
            s = f"{rng.choice(TOPICS)}では、{rng.choice(STATES)}状態をめざし、{rng.choice(DOINGS)}。"
        parts.append(s)
        length += len(s)
    out = "".join(parts)
    return out if len(out) <= hi else out[: hi - 1] + "。"


def department_names(rng: random.Random, count: int) -> list[str]:
    names = [s + suf for s in DEPT_STEMS for suf in DEPT_SUFFIXES]
    if count > len(names):
        raise SystemExit(f"make_city: at most {len(names)} departments")
    firsts = [s + "課" for s in DEPT_STEMS]  # the plain 人事課, 財政課, ... first
    rng.shuffle(firsts)
    rest = [n for n in names if n not in set(firsts)]
    rng.shuffle(rest)
    return (firsts + rest)[:count]


def make_plan(n: int, departments: int, rng: random.Random) -> tuple[dict, dict]:
    """The plan data (load_plan's format) and counts for the summary line."""
    depts = department_names(rng, departments)
    nodes = []
    leaves = []
    for p in range(1, POLICIES + 1):
        nodes.append(
            {
                "key": f"{p}",
                "label": f"方針{p}",
                "level": 1,
                "parent": None,
                "title": f"{rng.choice(TOPICS)}と{rng.choice(TOPICS)}による行政の質の向上",
            }
        )
        for i in range(1, ITEMS + 1):
            nodes.append(
                {
                    "key": f"{p}-{i}",
                    "label": f"({i})",
                    "level": 2,
                    "parent": f"{p}",
                    "title": f"{rng.choice(TOPICS)}{rng.choice(ACTIONS)}",
                }
            )
            for s in range(1, SUBITEMS + 1):
                key = f"{p}-{i}-{s}"
                nodes.append(
                    {
                        "key": key,
                        "label": circled(s),
                        "level": 3,
                        "parent": f"{p}-{i}",
                        "title": f"{rng.choice(TOPICS)}{rng.choice(ACTIONS)}",
                    }
                )
                leaves.append(key)
    repeats = round(n * 0.01)
    repeat_at = set(rng.sample(range(max(1, n // 10), n), repeats)) if repeats else set()
    measures: list[dict] = []
    numbered: list[dict] = []
    repeated: set[int] = set()
    counts = {"repeat": 0, "joint": 0, "numeric": 0, "several": 0}
    for pos in range(n):
        leaf = leaves[pos * len(leaves) // n]  # printed order, spread over the 小項目
        if pos in repeat_at and numbered:
            pool = [m for m in numbered if m["number"] not in repeated] or numbered
            orig = rng.choice(pool)
            repeated.add(orig["number"])
            m = {
                **orig,
                "key": f"再掲-No.{orig['number']}",
                "node": leaf,
                "number": None,
                "repeat_of": orig["number"],
                "numeric": False,
                "indicator": None,
                "indicators": [],
            }
            if m["key"] in {x["key"] for x in measures}:  # every original was repeated once already
                m["key"] = f"再掲-No.{orig['number']}-{pos}"
            measures.append(m)
            counts["repeat"] += 1
            continue
        number = len(numbered) + 1
        topic = rng.choice(TOPICS)
        name = f"{topic}{rng.choice(ACTIONS)}"
        owners = [rng.choice(depts)]
        if rng.random() < 0.10:
            owners += rng.sample([d for d in depts if d != owners[0]], rng.choice((1, 1, 2)))
            counts["joint"] += 1
        numeric = rng.random() < 0.25
        indicator = None
        years = {}
        if numeric:
            ind_name, unit = rng.choice(INDICATORS)
            direction = rng.choice(DIRECTIONS)
            base = rng.choice((5, 20, 100, 1000, 12000)) * rng.randint(1, 9)
            step = {"increase": 1.1, "decrease": 0.92}.get(direction, 1.0)
            targets = {
                str(fy): round(base * step**k) for k, fy in enumerate(range(FIRST_FY, LAST_FY + 1))
            }
            indicator = {
                "name": ind_name,
                "unit": unit,
                "direction": direction,
                "cumulative": False,
                "note": "",
                "targets": targets,
            }
            first = legacy_indicator(
                f"No.{number}",
                ind_name,
                unit,
                direction,
                False,
                "",
                {int(fy): float(t) for fy, t in targets.items()},
            )
            indicators = [first]
            if rng.random() < 0.1:  # a few carry several, like No.86 (one against an average)
                for k in range(2, rng.randint(3, 5)):
                    indicators.append(
                        Indicator(
                            key=f"No.{number}-{k}",
                            name=f"{ind_name}（内訳{k}）",
                            unit=unit,
                            owner_key=f"No.{number}",
                            better=Better.LESS,
                            targets=(
                                OutsideLimit(Bound.AT_MOST, "中核市平均", FIRST_FY, LAST_FY)
                                if k == 2
                                else Limit(Bound.UNDER, base * 1.1, FIRST_FY, LAST_FY),
                            ),
                        )
                    )
                counts["several"] += 1
            counts["numeric"] += 1
            for fy in range(FIRST_FY, LAST_FY + 1):
                years[str(fy)] = {
                    "plan": f"{ind_name} {targets[str(fy)]:,}{unit}　" + text(rng, 30, 150, topic)
                }
        else:
            for fy in range(FIRST_FY, LAST_FY + 1):
                years[str(fy)] = {"plan": text(rng, 50, 300, topic)}
        res = {
            k: rng.random() < p
            for k, p in (("hito", 0.7), ("kane", 0.4), ("mono", 0.2), ("joho", 0.5))
        }
        m = {
            "key": f"No.{number}",
            "number": number,
            "repeat_of": None,
            "name": name,
            "list_name": name,
            "node": leaf,
            "numeric": numeric,
            "indicator": indicator,
            "indicators": [indicator_to_dict(i) for i in indicators] if numeric else [],
            "departments": owners,
            "summary": text(rng, 50, 300, topic),
            "vision": text(rng, 50, 200, topic),
            "related_plans": rng.sample(RELATED, rng.choice((0, 1, 1, 2, 3))),
            "resources": res,
            "years": years,
            "merged_years": [],
        }
        measures.append(m)
        numbered.append(m)
    plan = {
        "plan": {
            "code": PLAN_CODE,
            "name": "金沢市行政経営プラン（規模試験用）",
            "first_fy": FIRST_FY,
            "last_fy": LAST_FY,
            "levels": ["方針", "項目", "小項目"],
        },
        "departments": depts,
        "nodes": nodes,
        "measures": measures,
        "schema": 1,
    }
    return plan, counts


def write_plan(path: Path, plan: dict, uid: str) -> None:
    """Create the schema and load the plan under the bundled plan's code, as the secretariat's."""
    db, _info = connect(path)
    database_proxy.initialize(db)
    try:
        ensure_schema(db, path)
        load_plan(db, plan)
        with db.atomic():
            repo.set_meta("database_uid", uid)
            repo.set_meta("role", "secretariat")
    finally:
        db.close()
        database_proxy.initialize(None)


def result_edits(rng: random.Random, m, years) -> dict:
    """One measure's 実施結果 and 計画達成状況 for every year, 実績値 where a target exists."""
    edits: dict = {}
    for fy in years:
        edits[(fy, "result_text")] = text(rng, 50, 300, m.name)
        edits[(fy, "status")] = "達成" if rng.random() < 0.7 else "未達成"
        target = m.year(fy).target
        if m.numeric and target is not None:
            edits[(fy, "actual")] = round(target * rng.uniform(0.8, 1.2))
            for ind in m.indicators[1:]:  # the others, and the average they compare with
                edits[(fy, f"actual:{ind.key}")] = round(target * rng.uniform(0.8, 1.2))
                if ind.figure_name:
                    edits[(fy, f"figure:{ind.key}")] = round(target * rng.uniform(0.9, 1.1))
    return edits


def fill_results(path: Path, rng: random.Random, share: float = 0.25) -> int:
    """Results for `share` of the numbered measures, one Desk.save per measure (all years)."""
    with Desk.open(path) as desk:
        measures = [m for m in desk.measures() if not m.is_repeat]
        chosen = sorted(rng.sample(range(len(measures)), round(len(measures) * share)))
        years = desk.plan.years
        for start in range(0, len(chosen), COMMIT_EVERY):
            with write_transaction(desk.db):  # each save nests in it as a savepoint: fewer fsyncs
                for i in chosen[start : start + COMMIT_EVERY]:
                    desk.save(measures[i].id, result_edits(rng, measures[i], years))
        return len(chosen)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--measures", type=int, required=True, help="rows of the plan, 【再掲】 included"
    )
    ap.add_argument(
        "--out", type=Path, required=True, help="the database to create (must not exist)"
    )
    ap.add_argument("--departments", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    if args.measures < 1 or args.departments < 3:
        sys.stderr.write("make_city: --measures >= 1 and --departments >= 3\n")
        return 2
    if args.out.exists():
        sys.stderr.write(f"make_city: {args.out} exists; remove it first\n")
        return 2
    t0 = time.perf_counter()
    rng = random.Random(f"{args.seed}/{args.measures}/{args.departments}")
    plan, counts = make_plan(args.measures, args.departments, rng)
    uid = uuid.UUID(int=rng.getrandbits(128), version=4).hex
    write_plan(args.out, plan, uid)
    t_plan = time.perf_counter() - t0
    filled = fill_results(args.out, rng)
    total = time.perf_counter() - t0
    print(
        f"{args.out}: measures {len(plan['measures'])} (再掲 {counts['repeat']}, joint {counts['joint']}, "
        f"numeric {counts['numeric']}, with several indicators {counts['several']}), departments {len(plan['departments'])}, results filled {filled}; "
        f"{total:.1f} s (plan {t_plan:.1f} s, results {total - t_plan:.1f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
