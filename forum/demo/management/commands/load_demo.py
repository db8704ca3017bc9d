from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from articles.models import Article
from forum.comments.importers import DisqusReader, ImportFailed, import_file
from forum.demo.content import DEMO_ARTICLE, DEMO_DISCUSSION, FrontMatterError, parse_article_file

# Development accounts only: created when DEBUG is on, never on a production site.
DEMO_ACCOUNTS = [
    # username, password, display name, group, staff
    ("editor", "tribune-editor", "Eda Editor", "Editors", True),
    ("moderator", "tribune-moderator", "Mo Moderator", "Moderators", True),
    ("reader", "tribune-reader", "Rea Reader", None, False),
]


class Command(BaseCommand):
    help = "Load the demo article (and, with DEBUG on, demo accounts). Safe to run again."

    def handle(self, *args, **options):
        try:
            source = parse_article_file(DEMO_ARTICLE)
        except (OSError, FrontMatterError) as exc:
            raise CommandError(str(exc)) from exc

        editor = self.create_accounts() if settings.DEBUG else None
        article, created = Article.objects.get_or_create(
            slug=source.slug,
            defaults={
                "title": source.title,
                "standfirst": source.standfirst,
                "body": source.body,
                "published_at": source.published_at,
                "status": Article.Status.PUBLISHED,
                "author": editor,
            },
        )
        verb = "Published" if created else "Already there:"
        self.stdout.write(f"{verb} the demo article at {article.get_absolute_url()}")
        self.load_discussion(article)

    def load_discussion(self, article: Article) -> None:
        """The demo discussion comes in through the Disqus importer, as a site's own would; once only."""
        try:
            report = import_file(DisqusReader(DEMO_DISCUSSION), article=article)
        except ImportFailed as exc:
            raise CommandError(str(exc)) from exc
        if report.comments:
            self.stdout.write(f"Imported the demo discussion: {report.comments} comments")
        else:
            self.stdout.write(f"Already there: the demo discussion ({report.existing} comments)")

    def create_accounts(self):
        User = get_user_model()
        accounts = {}
        for username, password, display_name, group_name, staff in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "display_name": display_name,
                    "email": f"{username}@example.com",
                    "is_staff": staff,
                },
            )
            if created:
                user.set_password(password)
                user.save(update_fields=["password"])
                EmailAddress.objects.update_or_create(
                    user=user, email=user.email, defaults={"verified": True, "primary": True}
                )
            if group_name:
                user.groups.add(Group.objects.get(name=group_name))
            accounts[username] = user
            self.stdout.write(f"  demo account: {username} / {password} ({group_name or 'reader'})")
        return accounts["editor"]
