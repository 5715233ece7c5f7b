"""`nnviz lesson list | check NAME|--all`: the bundled lessons, and their own CI (intended passes, naive fails)."""

import time

from nnviz.cli.common import EXIT_FAILED, fail
from nnviz.guard import UserError
from nnviz.lessons import bundled_lessons, load_lesson, verify_lesson


def cmd_lesson_list(args):
    """One lesson a line: its name, then its title and minutes."""
    for lesson in bundled_lessons():
        print(f"{lesson.name}  {lesson.title} ({lesson.minutes} min)")
    return 0


def cmd_lesson_check(args):
    """Verify the named lessons (or all): exit 1 when any check does not hold or fail as promised."""
    if args.all == bool(args.names):
        raise UserError("lesson check: name one or more lessons, or --all")
    lessons = bundled_lessons() if args.all else [load_lesson(name) for name in args.names]
    failures = 0
    for lesson in lessons:
        started = time.perf_counter()

        def report(result, name=lesson.name):
            mark = "ok  " if result.ok else "FAIL"
            wanted = "holds" if result.variant == "intended" else "fails"
            print(f"{mark} {name} {result.task} {result.variant} (check {wanted}): {result.detail}", flush=True)

        results = verify_lesson(lesson, seed=args.seed, on_result=report)
        failures += sum(not r.ok for r in results)
        print(f"{lesson.name}: {sum(r.ok for r in results)}/{len(results)} as promised "
              f"in {time.perf_counter() - started:.1f} s", flush=True)
    if failures:
        fail(f"{failures} lesson check(s) did not come out as the lesson promises")
        return EXIT_FAILED
    return 0


def add_parser(commands):
    """The `lesson` sub-command with `list` and `check` on the `commands` sub-parsers."""
    p = commands.add_parser("lesson", help="list the bundled lessons or check that they teach what they say")
    actions = p.add_subparsers(dest="lesson_command", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="one lesson a line: name, title, minutes")
    listing.set_defaults(run=cmd_lesson_list)
    check = actions.add_parser("check", help="run each step's intended settings (check must hold) and naive "
                                             "settings (check must fail)")
    check.add_argument("names", nargs="*", metavar="NAME", help="lesson name or lesson file (.toml)")
    check.add_argument("--all", action="store_true", help="every bundled lesson")
    check.add_argument("--seed", type=int, help="override the lessons' seed")
    check.set_defaults(run=cmd_lesson_check)
