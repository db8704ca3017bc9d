from django.core.management.base import BaseCommand, CommandError

from forum.comments.integrity import check_all_trees, repair_tree


class Command(BaseCommand):
    help = (
        "Verify every comment tree (one root, bounds 1..2n, children inside parents, levels); --fix repairs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fix", action="store_true", help="rebuild each broken tree from its parent links"
        )

    def handle(self, *args, fix: bool = False, **options):
        problems = check_all_trees()
        if not problems:
            self.stdout.write(self.style.SUCCESS("Every comment tree is valid."))
            return
        for problem in problems:
            self.stdout.write(str(problem))
        broken = sorted({problem.tree_id for problem in problems})
        if not fix:
            raise CommandError(f"{len(broken)} broken tree(s). Run with --fix to rebuild them.")
        for tree_id in broken:
            repair_tree(tree_id)
        remaining = check_all_trees(broken)
        if remaining:
            raise CommandError(f"Could not repair: {'; '.join(map(str, remaining))}")
        self.stdout.write(self.style.SUCCESS(f"Rebuilt {len(broken)} tree(s); every tree is now valid."))
