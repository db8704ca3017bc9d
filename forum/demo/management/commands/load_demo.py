from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify

from articles import desk, images
from articles.models import Article, Byline, Section
from forum.comments.importers import DisqusReader, ImportFailed, import_file
from forum.demo.content import (
    DEMO_ARTICLES,
    DEMO_DISCUSSION,
    ArticleSource,
    FrontMatterError,
    parse_article_file,
)
from forum.demo.illustration import horizon_illustration

# Development accounts only: created when DEBUG is on, never on a production site.
DEMO_ACCOUNTS = [
    # username, password, display name, group, staff
    ("editor", "tribune-editor", "Eda Editor", "Editors", True),
    ("moderator", "tribune-moderator", "Mo Moderator", "Moderators", True),
    ("reader", "tribune-reader", "Rea Reader", None, False),
]
# The demo articles' byline: an account nobody logs in to (unusable password), so it is safe in production.
NEWSROOM = ("newsroom", "Tribune Newsroom")


class Command(BaseCommand):
    help = "Load the demo articles and discussion (and, with DEBUG on, demo accounts). Safe to run again."

    def handle(self, *args, **options):
        try:
            sources = [parse_article_file(path) for path in DEMO_ARTICLES]
        except (OSError, FrontMatterError) as exc:
            raise CommandError(str(exc)) from exc

        editor = self.create_accounts() if settings.DEBUG else None
        newsroom = self.newsroom_account()
        articles = [
            self.load_article(source, creator=editor, byline=newsroom, position=position)
            for position, source in enumerate(sources)
        ]
        self.load_discussion(articles[0])

    def load_article(self, source: ArticleSource, *, creator, byline, position: int) -> Article:
        article, created = Article.objects.get_or_create(
            slug=source.slug,
            defaults={
                "title": source.title,
                "standfirst": source.standfirst,
                "body": source.body,
                "published_at": source.published_at,
                "status": Article.Status.PUBLISHED,
                "author": creator,
            },
        )
        # Furniture is added to a demo article loaded before it existed, too; running again changes nothing.
        if source.section and article.section_id is None:
            article.section, _ = Section.objects.get_or_create(
                slug=slugify(source.section), defaults={"name": source.section, "position": position}
            )
            article.save(update_fields=["section", "updated_at"])
        if source.tags and not article.tags.exists():
            article.tags.add(*source.tags)
        Byline.objects.get_or_create(article=article, author=byline)
        if source.image_alt and not article.lead_image:
            article.lead_image = images.clean_upload(horizon_illustration(f"{source.slug}.jpg"))
            article.lead_image_alt = source.image_alt
            article.lead_image_caption = source.image_caption
            article.lead_image_credit = source.image_credit
            article.full_clean(exclude=["slug", "section", "author"])
            desk.save_article(article, by=creator, image_changed=True)
        verb = "Published" if created else "Already there:"
        self.stdout.write(f"{verb} the demo article at {article.get_absolute_url()}")
        return article

    def newsroom_account(self):
        username, display_name = NEWSROOM
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"display_name": display_name, "email": f"{username}@example.com"}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return user

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
