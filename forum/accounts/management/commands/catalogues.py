from django.core.management.base import BaseCommand, CommandError

from forum.accounts import catalogues


class Command(BaseCommand):
    help = (
        "update: bring locale/*/LC_MESSAGES/django.po up to date with the code (makemessages). "
        "check: fail on an untranslated or fuzzy entry, or on a catalogue out of date with the code."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["update", "check"])

    def handle(self, *args, action: str, verbosity: int, **options):
        if action == "update":
            catalogues.update(verbosity=verbosity)
            return
        problems = catalogues.staleness_problems()
        for language in catalogues.languages():
            problems += catalogues.translation_problems(catalogues.catalogue_path(language))
        if problems:
            raise CommandError("\n".join(["The translation catalogues are not ready:", *problems]))
        if verbosity:
            self.stdout.write(f"Catalogues complete and up to date: {', '.join(catalogues.languages())}.")
