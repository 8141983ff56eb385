"""News of the government communication forum: categories and bilingual articles."""

import datetime
import re
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from news.images import (
    delete_files,
    make_renditions,
    rendition_names,
    validate_photo,
    without_metadata,
)
from news.richtext import render_body
from portal.text import normalize_search_text, search_terms

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

# A search lists at most this many articles, the newest that match (42 pages of 12).
SEARCH_RESULTS_MAX = 500

# Slugs that would shadow a fixed URL under /<lang>/news/.
RESERVED_SLUGS = {"feed", "category", "preview"}


class Category(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, allow_unicode=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("news:category", kwargs={"slug": self.slug})


class SearchQuerySet(models.QuerySet):
    """The Arabic-aware search of articles and clarifications: the rows keep their text
    normalised (``portal.text``: diacritics, hamza and alef forms, taa marbuta do not
    matter) in ``search_text``, their title (a clarification's claim) in ``search_title``;
    ``newest_field`` names the date that orders them."""

    newest_field: str

    def search(self, query: str) -> "SearchQuerySet":
        """Every word of the query must occur in the normalised text; rows whose title
        holds every word come first, newest first within each group."""
        # Control characters (a NUL byte breaks PostgreSQL text parameters) are not words.
        terms = search_terms(_CONTROL.sub(" ", query or ""))
        if not terms:
            return self
        matches = self
        title_match = Q()
        for term in terms:
            matches = matches.filter(search_text__contains=term)
            title_match &= Q(search_title__contains=term)
        # The newest SEARCH_RESULTS_MAX matches only: a word in every article (the city's
        # name) would otherwise make each search, and its count, read and sort the whole
        # table. Newest first, the database stops after that many matches (walking the
        # publication index for a common word, the trigram index for a rare one).
        newest_first = (f"-{self.newest_field}", "-pk")
        newest = matches.order_by(*newest_first).values("pk")[:SEARCH_RESULTS_MAX]
        return (
            self.filter(pk__in=newest)
            .annotate(
                title_rank=Case(
                    When(title_match, then=Value(0)), default=Value(1), output_field=IntegerField()
                )
            )
            .order_by("title_rank", *newest_first)
        )


class ArticleQuerySet(SearchQuerySet):
    newest_field = "publish_at"

    def published(self, now: datetime.datetime | None = None) -> "ArticleQuerySet":
        """The one rule of what the public sees: published and due. Every public page,
        feed, sitemap and the home page go through here."""
        return self.filter(status=Article.Status.PUBLISHED, publish_at__lte=now or timezone.now())

    def featured(self) -> "ArticleQuerySet":
        """The featured stories, newest first (the home page's featured slot)."""
        return self.filter(is_featured=True).order_by("-publish_at", "-pk")

    def next_scheduled_at(self, now: datetime.datetime | None = None) -> datetime.datetime | None:
        """When the next published article becomes public (None: nothing is scheduled);
        the page cache never keeps a page past it."""
        return self.filter(
            status=Article.Status.PUBLISHED, publish_at__gt=now or timezone.now()
        ).aggregate(due=models.Min("publish_at"))["due"]

    def previewable_by(self, user) -> "ArticleQuerySet":
        """Editors (and anyone allowed to change articles) may preview every article."""
        if user.is_authenticated and user.is_active and user.has_perm("news.change_article"):
            return self.all()
        return self.none()

    def for_cards(self) -> "ArticleQuerySet":
        """What a list card needs, in one query (renditions live on the row itself)."""
        return self.select_related("category").defer(
            *[f"body_{code}" for code, _name in settings.LANGUAGES], "search_text"
        )


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(
        _("summary"), max_length=400, help_text=_("One or two sentences shown in lists and shares.")
    )
    body = models.TextField(
        _("body"),
        blank=True,
        help_text=_("Markdown: **bold**, *italic*, lists, links and headings. HTML is filtered."),
    )
    location = models.CharField(
        _("dateline"),
        max_length=80,
        blank=True,
        help_text=_("Where the news comes from, e.g. Muscat."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        allow_unicode=True,
        # Blank in forms: Article.clean() makes it from the title when the editor leaves
        # it empty (an Arabic-only article gets an Arabic slug).
        blank=True,
        help_text=_(
            "The last part of the article's address. Left empty, it is made from the English "
            "title, or from the Arabic one when there is no English title."
        ),
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="articles", verbose_name=_("category")
    )
    ministries = models.ManyToManyField(
        "portal.Ministry", blank=True, related_name="articles", verbose_name=_("ministries")
    )
    image = models.ImageField(
        _("photo"),
        upload_to="news/photos/%Y/%m/",
        blank=True,
        validators=[validate_photo],
        help_text=_(
            "JPEG, PNG or WebP, at most 10 MB and 24 megapixels (a larger JPEG is reduced)."
        ),
    )
    image_alt = models.CharField(
        _("photo description (alt text)"),
        max_length=250,
        blank=True,
        help_text=_("What the photo shows, for people who cannot see it. Required with a photo."),
    )
    image_caption = models.CharField(_("photo caption"), max_length=250, blank=True)
    # Widths, sizes and storage names of the generated renditions (see news/images.py):
    # kept on the row so list pages need no extra query per photo.
    renditions = models.JSONField(_("renditions"), default=dict, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    publish_at = models.DateTimeField(
        _("publication time"),
        default=timezone.now,
        help_text=_("A published article appears by itself at this time."),
    )
    is_featured = models.BooleanField(_("featured"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="news_articles",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Normalised (portal.text) Arabic and English text for search; rebuilt on every save.
    search_title = models.TextField(_("search title"), blank=True, editable=False)
    search_text = models.TextField(_("search text"), blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-publish_at", "-pk"]
        indexes = [
            # ArticleQuerySet.published() ordered by -publish_at: every public list.
            models.Index(fields=["status", "-publish_at"], name="news_article_public_idx"),
            # The home page's featured slot: published featured articles, newest first.
            models.Index(
                fields=["-publish_at"],
                condition=Q(is_featured=True),
                name="news_article_featured_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.search_title = normalize_search_text(f"{self.title_ar} {self.title_en or ''}")
        parts = [
            self.search_title,
            *(
                getattr(self, f"{field}_{code}") or ""
                for field in ("summary", "body", "location", "image_caption")
                for code, _name in settings.LANGUAGES
            ),
        ]
        self.search_text = normalize_search_text(" ".join(parts))
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_title", "search_text"}
        if self.image and not self.image._committed:
            # A new upload: store it without the metadata (GPS!) the camera wrote into it.
            self.image.save(
                PurePosixPath(self.image.name).name, without_metadata(self.image), save=False
            )
        super().save(*args, **kwargs)
        self._sync_renditions()

    def get_absolute_url(self) -> str:
        return reverse("news:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        if not self.slug:
            self.slug = self.unique_slug()
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": _("This address is reserved; choose another.")})
        if self.image and not (getattr(self, "image_alt_ar", "") or self.image_alt):
            raise ValidationError(
                {"image_alt_ar": _("Describe the photo for people who cannot see it.")}
            )

    def unique_slug(self) -> str:
        """A slug from the English title, else the Arabic one (Unicode slugs are allowed),
        with -2, -3, ... when another article has it already."""
        limit = self._meta.get_field("slug").max_length
        title = self.title_en or self.title_ar or ""
        base = slugify(title, allow_unicode=True)[:limit].strip("-")
        if not base or base in RESERVED_SLUGS:
            base = f"article-{base}" if base else "article"
        taken = set(
            Article.objects.exclude(pk=self.pk)
            .filter(slug__startswith=base[: limit - 4])
            .values_list("slug", flat=True)
        )
        slug, number = base, 1
        while slug in taken:
            number += 1
            suffix = f"-{number}"
            slug = base[: limit - len(suffix)] + suffix
        return slug

    def _sync_renditions(self) -> None:
        """Renditions follow the photo: made for a new one, deleted with the old one."""
        current = self.image.name if self.image else ""
        previous = (self.renditions or {}).get("source", "")
        if current == previous:
            return
        stale = rendition_names(self.renditions or {}) + ([previous] if previous else [])
        self.renditions = make_renditions(current, self.pk) if current else {}
        # The plain save of one column: post_save fires again, so news.signals bumps the
        # page cache once the new renditions are committed (no page is cached half-way).
        models.Model.save(self, update_fields=["renditions"])
        # Old files go only then too: a rollback keeps the old row and its files.
        transaction.on_commit(lambda: delete_files(stale))

    def delete_files(self) -> None:
        delete_files([*rendition_names(self.renditions or {}), self.image.name or ""])

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.publish_at <= timezone.now()

    @cached_property
    def body_html(self) -> str:
        return render_body(self.body)

    @cached_property
    def photo(self):
        """The photo's renditions for templates, or None (see news/images.py)."""
        from news.images import Photo

        return Photo.from_renditions(self.renditions)


# --- Clarifications: the centre's official answers to rumours ------------------------------

# Slugs that would shadow a fixed URL under /<lang>/clarifications/.
CLARIFICATION_RESERVED_SLUGS = {"feed", "preview"}
# Words this short ("في", "من", "is", "of") say nothing about a claim: suggestions ignore them.
SUGGEST_MIN_WORD = 3
SUGGEST_MAX_WORD = 40  # longer is not a word (a pasted address, a run of one letter)
# Written as people write them; compared in the normalised form (portal.text).
SUGGEST_STOPWORDS = frozenset(
    normalize_search_text(word)
    for word in [
        "التي",
        "الذي",
        "الذين",
        "هذا",
        "هذه",
        "ذلك",
        "تلك",
        "على",
        "إلى",
        "عن",
        "مع",
        "كان",
        "كانت",
        "قد",
        "لقد",
        "إن",
        "أن",
        "أنه",
        "أنها",
        "ما",
        "لا",
        "لم",
        "لن",
        "هل",
        "كل",
        "بعد",
        "قبل",
        "عند",
        "حتى",
        "أو",
        "ثم",
        "بين",
        "فيه",
        "فيها",
        "منه",
        "منها",
        "وهو",
        "وهي",
        "يا",
        "the",
        "and",
        "that",
        "this",
        "with",
        "from",
        "have",
        "has",
        "was",
        "were",
        "are",
        "for",
        "not",
        "but",
        "you",
        "they",
        "their",
        "there",
        "about",
        "into",
        "been",
        "will",
        "would",
    ]
)


class ClarificationQuerySet(SearchQuerySet):
    newest_field = "published_at"

    def published(self) -> "ClarificationQuerySet":
        """The one rule of what the public sees: every public page, feed, sitemap and
        the suggestions offered to a citizen who asks go through here."""
        return self.filter(status=Clarification.Status.PUBLISHED, published_at__isnull=False)

    def previewable_by(self, user) -> "ClarificationQuerySet":
        """Editors (and anyone allowed to change clarifications) may preview every one."""
        if user.is_authenticated and user.is_active and user.has_perm("news.change_clarification"):
            return self.all()
        return self.none()

    def suggest(self, text: str, limit: int = 5) -> list["Clarification"]:
        """The clarifications that look like a citizen's description of a claim (the ask
        form offers them while the citizen types): a description is a sentence, not a
        query, so a clarification needs not hold every word; it needs at least half of
        the meaningful ones (at least one), and the one holding most comes first.

        Published clarifications only, whatever it is called on (a draft must never
        reach a citizen). One query; at most eight words are compared."""
        words = [
            term
            for term in search_terms(_CONTROL.sub(" ", text or ""), limit=32)
            if SUGGEST_MIN_WORD <= len(term) <= SUGGEST_MAX_WORD and term not in SUGGEST_STOPWORDS
        ]
        # The longest words are the most telling (names, places, numbers of a rumour).
        words = sorted(words, key=len, reverse=True)[:8]
        if not words:
            return []
        score = sum(
            (
                Case(
                    When(search_text__contains=word, then=Value(1)),
                    default=Value(0),
                    output_field=IntegerField(),
                )
                for word in words
            ),
            Value(0),
        )
        needed = max(1, (len(words) + 1) // 2)
        return list(
            self.published()
            .annotate(score=score)
            .filter(score__gte=needed)
            .select_related("ministry")
            .order_by("-score", "-published_at", "-pk")[:limit]
        )

    def for_cards(self) -> "ClarificationQuerySet":
        """What a list card needs, in one query."""
        return self.select_related("ministry").defer(
            *[f"facts_{code}" for code, _name in settings.LANGUAGES], "search_text"
        )


class Clarification(models.Model):
    """An official clarification of a claim that circulated (a rumour): the verdict, the
    facts from the responsible ministry, the sources, and a public log of corrections.

    Published once by an editor; ``news.signals.clarification_published`` is sent after
    the commit of the first publication and of every correction added to a published
    clarification (the feedback app mails the citizens who asked)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class Verdict(models.TextChoices):
        # A context: "True"/"False" of a verdict are not the yes/no of a form.
        FALSE = "false", pgettext_lazy("verdict", "False")
        MISLEADING = "misleading", pgettext_lazy("verdict", "Misleading")
        PARTLY_TRUE = "partly_true", pgettext_lazy("verdict", "Partly true")
        TRUE = "true", pgettext_lazy("verdict", "True")
        UNDER_VERIFICATION = "under_verification", pgettext_lazy("verdict", "Under verification")

    claim = models.TextField(
        _("claim"),
        max_length=500,
        help_text=_("The claim as it circulated, in a sentence or two."),
    )
    verdict = models.CharField(
        _("verdict"),
        max_length=20,
        choices=Verdict.choices,
        default=Verdict.UNDER_VERIFICATION,
    )
    facts = models.TextField(
        _("official facts"),
        help_text=_("Markdown: **bold**, *italic*, lists, links and headings. HTML is filtered."),
    )
    circulated_on = models.CharField(
        _("where it circulated"),
        max_length=200,
        blank=True,
        help_text=_("For example: messages on WhatsApp and posts on X."),
    )
    appearance_urls = models.TextField(
        _("addresses where it appeared"),
        blank=True,
        help_text=_(
            "One web address a line. Shown as text, never as a link, so the page does not "
            "spread the rumour; search engines read them in the page's data."
        ),
    )
    first_seen_on = models.DateField(
        _("first seen"), default=timezone.localdate, help_text=_("When the claim first circulated.")
    )
    ministry = models.ForeignKey(
        "portal.Ministry",
        on_delete=models.PROTECT,
        related_name="clarifications",
        verbose_name=_("responsible ministry"),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        allow_unicode=True,
        blank=True,
        help_text=_(
            "The last part of the clarification's address. Left empty, it is made from the "
            "English claim, or from the Arabic one when there is no English claim."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # Set once, when the clarification is first published; a correction does not move it.
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="news_clarifications",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Storage names of the generated share images per language and size, and the digest
    # of what they show (news/share_images.py): made again only when that changes.
    share_images = models.JSONField(_("share images"), default=dict, blank=True, editable=False)
    # Normalised (portal.text) Arabic and English text for search; rebuilt on every save.
    search_title = models.TextField(_("search title"), blank=True, editable=False)
    search_text = models.TextField(_("search text"), blank=True, editable=False)

    objects = ClarificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("clarification")
        verbose_name_plural = _("clarifications")
        ordering = ["-published_at", "-pk"]
        indexes = [
            # ClarificationQuerySet.published() ordered by -published_at: every public list.
            models.Index(fields=["status", "-published_at"], name="news_clarif_public_idx"),
        ]

    def __str__(self) -> str:
        return self.claim

    def save(self, *args, **kwargs) -> None:
        self.search_title = normalize_search_text(f"{self.claim_ar or ''} {self.claim_en or ''}")
        parts = [
            self.search_title,
            *(
                getattr(self, f"{field}_{code}") or ""
                for field in ("facts", "circulated_on")
                for code, _name in settings.LANGUAGES
            ),
        ]
        self.search_text = normalize_search_text(" ".join(parts))
        first_publication = self.status == self.Status.PUBLISHED and self.published_at is None
        if first_publication:
            self.published_at = timezone.now()
        if kwargs.get("update_fields") is not None:
            extra = {
                "search_title",
                "search_text",
                *(["published_at"] if first_publication else []),
            }
            kwargs["update_fields"] = {*kwargs["update_fields"], *extra}
        stored_verdict = getattr(self, "_stored_verdict", None)
        super().save(*args, **kwargs)
        self._stored_verdict = self.verdict
        if first_publication:
            announce(self, correction=False)
        elif self.is_public and stored_verdict and stored_verdict != self.verdict:
            # A new verdict of a public clarification is the correction that matters
            # most ("under verification" to "false"): always in the change log, and
            # announced like any correction.
            ClarificationCorrection.objects.create(
                clarification=self, **verdict_change_notes(stored_verdict, self.verdict)
            )
        self._sync_share_images()

    def get_absolute_url(self) -> str:
        return reverse("clarifications:detail", kwargs={"slug": self.slug})

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # The stored verdict: save() writes a change-log entry when it changes.
        instance._stored_verdict = instance.__dict__.get("verdict")
        return instance

    def clean(self) -> None:
        super().clean()
        if not self.slug:
            self.slug = self.unique_slug()
        if self.slug in CLARIFICATION_RESERVED_SLUGS:
            raise ValidationError({"slug": _("This address is reserved; choose another.")})
        bad = [url for url in self.appearance_url_list if not _is_web_address(url)]
        if bad:
            raise ValidationError(
                {
                    "appearance_urls": _("Not a web address (http:// or https://): %(url)s")
                    % {"url": bad[0][:200]}
                }
            )

    def unique_slug(self) -> str:
        """A slug from the first words of the English claim, else the Arabic one, with
        -2, -3, ... when another clarification has it already."""
        limit = 80
        claim = self.claim_en or self.claim_ar or ""
        base = slugify(" ".join(claim.split()[:8]), allow_unicode=True)[:limit].strip("-")
        if not base or base in CLARIFICATION_RESERVED_SLUGS:
            base = f"clarification-{base}" if base else "clarification"
        taken = set(
            Clarification.objects.exclude(pk=self.pk)
            .filter(slug__startswith=base)
            .values_list("slug", flat=True)
        )
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        return slug

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.published_at is not None

    @property
    def appearance_url_list(self) -> list[str]:
        return [line.strip() for line in (self.appearance_urls or "").splitlines() if line.strip()]

    @cached_property
    def facts_html(self) -> str:
        return render_body(self.facts)

    @property
    def last_correction(self) -> "ClarificationCorrection | None":
        """The latest entry of the change log (from the prefetched rows when there are)."""
        corrections = list(self.corrections.all())
        return corrections[-1] if corrections else None

    def _sync_share_images(self) -> None:
        """The share images follow what they show (news/share_images.py)."""
        from news import share_images

        share_images.sync(self)


def _is_web_address(value: str) -> bool:
    from django.core.validators import URLValidator

    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return False
    return len(value) <= 2000


def verdict_change_notes(old: str, new: str) -> dict[str, str]:
    """The change-log text of a new verdict, in every language."""
    notes = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            notes[f"note_{code}"] = _("The verdict changed from “%(old)s” to “%(new)s”.") % {
                "old": Clarification.Verdict(old).label,
                "new": Clarification.Verdict(new).label,
            }
    return notes


def announce(clarification: "Clarification", correction: bool) -> None:
    """Send ``news.signals.clarification_published`` once the change is committed: at
    most once per clarification and transaction. Corrections saved with the first
    publication (the admin's inline) are part of it, and several corrections saved at
    once are one correction."""
    from news.signals import clarification_published

    if getattr(clarification, "_announcement", None) is not None:
        return
    clarification._announcement = "correction" if correction else "publication"

    def send() -> None:
        clarification._announcement = None
        clarification_published.send(
            sender=Clarification, clarification=clarification, correction=correction
        )

    transaction.on_commit(send)


class ClarificationSource(models.Model):
    """A source of the facts: an official statement (a title and/or an address) or an
    article of the portal's news."""

    clarification = models.ForeignKey(
        Clarification,
        on_delete=models.CASCADE,
        related_name="sources",
        verbose_name=_("clarification"),
    )
    title = models.CharField(
        _("title"),
        max_length=250,
        blank=True,
        help_text=_("For example: statement of the Ministry of Health, 3 March."),
    )
    url = models.URLField(_("address"), max_length=500, blank=True)
    article = models.ForeignKey(
        Article,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="clarification_sources",
        verbose_name=_("news article"),
        help_text=_("Or an article of the portal's news."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title or self.url or (str(self.article) if self.article_id else "")

    def clean(self) -> None:
        super().clean()
        if not (self.article_id or self.title or getattr(self, "title_ar", "") or self.url):
            raise ValidationError(
                _("Give the statement's title or address, or choose a news article.")
            )


class ClarificationCorrection(models.Model):
    """One entry of a clarification's public change log: when, and what changed."""

    clarification = models.ForeignKey(
        Clarification,
        on_delete=models.CASCADE,
        related_name="corrections",
        verbose_name=_("clarification"),
    )
    corrected_at = models.DateTimeField(_("date"), default=timezone.now)
    note = models.TextField(
        _("what changed"),
        max_length=1000,
        help_text=_("Shown on the page, e.g. “The number of schools was corrected.”"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["corrected_at", "pk"]

    def __str__(self) -> str:
        return self.note

    def save(self, *args, **kwargs) -> None:
        created = self._state.adding
        super().save(*args, **kwargs)
        if created and self.clarification.is_public:
            announce(self.clarification, correction=True)
