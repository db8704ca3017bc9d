import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from articles.models import Article, Byline, Section
from forum.accounts.models import User

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"reader{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    display_name = factory.LazyAttribute(lambda u: u.username.title())
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
        if create:
            self.save()


class EditorFactory(UserFactory):
    username = factory.Sequence(lambda n: f"editor{n}")
    is_staff = True

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name="Editors"))


class ModeratorFactory(UserFactory):
    username = factory.Sequence(lambda n: f"moderator{n}")
    is_staff = True

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name="Moderators"))


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ("slug",)

    name = factory.LazyAttribute(lambda s: s.slug.replace("-", " ").title())
    slug = "news"


class WriterFactory(UserFactory):
    username = factory.Sequence(lambda n: f"writer{n}")
    is_staff = True

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name="Writers"))


class ArticleFactory(factory.django.DjangoModelFactory):
    """Signed by the account that created it, in the "News" section unless told otherwise."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Article number {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    section = factory.SubFactory(SectionFactory)
    standfirst = "What happened, in a sentence."
    body = "First paragraph.\n\nSecond paragraph with *emphasis*."
    author = factory.SubFactory(EditorFactory)
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(hours=1))

    @factory.post_generation
    def bylines(self, create, extracted, **kwargs):
        if not create:
            return
        authors = extracted if extracted is not None else [self.author] if self.author else []
        Byline.objects.bulk_create(Byline(article=self, author=a, position=i) for i, a in enumerate(authors))


class CommentFactory(factory.django.DjangoModelFactory):
    """Creates comments through the model (tree fields by django-mptt); tests of the posting rules call
    forum.comments.posting directly."""

    class Meta:
        model = "comments.Comment"

    parent = None
    article = factory.Maybe(
        "parent",
        yes_declaration=factory.SelfAttribute("parent.article"),
        no_declaration=factory.SubFactory(ArticleFactory),
    )
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Comment number {n}.")
