"""A naive Bayes filter over the words of comments, in the manner of Paul Graham's "A Plan for Spam" with Gary
Robinson's smoothing and chi-squared combining (as SpamBayes does). It learns from moderators' decisions
only, so every site trains it on its own spam.
"""

import math
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db import connection, transaction
from django.db.models import F

from forum.spam.models import Corpus, TokenStat

WORD_RE = re.compile(r"[^\W\d_][\w'’-]{2,29}", re.UNICODE)
URL_RE = re.compile(r"\b(?:https?://|www\.)[^\s<>()\"']+", re.IGNORECASE)
MAX_TOKENS = 400
# Too common to say anything, in the site's two languages.
STOPWORDS_TEXT = """the and for are but not you your with this that have has had was were will would can
could from they them their there what when which who how all any our out about into than then its it's just
also very more some such only other been being over here were she his her him one two
які або але щоб цей ця це ці той та те ті так для від про при під над без його її їх вже ще був була було
були буде хто що коли тому теж також дуже лише"""
STOPWORDS = frozenset(STOPWORDS_TEXT.split())
UNKNOWN = 0.5  # Robinson's x: the probability of a token never seen
STRENGTH = 1.0  # Robinson's s: how much evidence outweighs x
MIN_STRENGTH = 0.1  # tokens nearer than this to 0.5 say nothing
MAX_CLUES = 50
MIN_CLUES = 3  # below this many clues the filter abstains
MIN_TRAINED = 3  # nor does it speak before it has learnt from this many comments


def tokenize(text: str) -> list[str]:
    """Distinct, lower-cased words of 3 to 30 letters, and `domain:<host>` for each linked domain."""
    tokens: dict[str, None] = {}
    for url in URL_RE.findall(text or ""):
        host = urlsplit(url if "://" in url else f"http://{url}").hostname or ""
        host = host.removeprefix("www.")
        if host:
            tokens[f"domain:{host}"[:64]] = None
    for word in WORD_RE.findall(URL_RE.sub(" ", text or "").lower()):
        word = word.strip("'’-")
        if len(word) >= 3 and word not in STOPWORDS:
            tokens[word] = None
        if len(tokens) >= MAX_TOKENS:
            break
    return list(tokens)


def token_probability(spam: int, ham: int, spam_docs: int, ham_docs: int) -> float:
    spam_ratio = spam / spam_docs if spam_docs else 0.0
    ham_ratio = ham / ham_docs if ham_docs else 0.0
    if spam_ratio + ham_ratio == 0:
        return UNKNOWN
    p = spam_ratio / (spam_ratio + ham_ratio)
    n = spam + ham
    return (STRENGTH * UNKNOWN + n * p) / (STRENGTH + n)


def chi2q(x2: float, v: int) -> float:
    """P(chi² with v degrees of freedom ≥ x2), for even v."""
    m = x2 / 2.0
    total = term = math.exp(-m)
    for i in range(1, v // 2):
        term *= m / i
        total += term
    return min(total, 1.0)


def combine(probabilities: list[float]) -> float:
    n = len(probabilities)
    spam_evidence = sum(math.log(1.0 - p) for p in probabilities)
    ham_evidence = sum(math.log(p) for p in probabilities)
    s = 1.0 - chi2q(-2.0 * spam_evidence, 2 * n)
    h = 1.0 - chi2q(-2.0 * ham_evidence, 2 * n)
    return (s - h + 1.0) / 2.0


@dataclass(frozen=True)
class Judgement:
    probability: float | None  # None: the filter abstains (too little training or too few known tokens)
    clues: int


def judge(text: str) -> Judgement:
    corpus = Corpus.current()
    if corpus.spam + corpus.ham < MIN_TRAINED or not corpus.spam:
        return Judgement(None, 0)
    tokens = tokenize(text)
    stats = TokenStat.objects.filter(token__in=tokens).values_list("spam", "ham")
    probabilities = [token_probability(spam, ham, corpus.spam, corpus.ham) for spam, ham in stats]
    clues = sorted((p for p in probabilities if abs(p - 0.5) >= MIN_STRENGTH), key=lambda p: -abs(p - 0.5))[
        :MAX_CLUES
    ]
    if len(clues) < MIN_CLUES:
        return Judgement(None, len(clues))
    clues = [min(max(p, 0.01), 0.99) for p in clues]
    return Judgement(combine(clues), len(clues))


def learn(tokens: list[str], label: str, delta: int) -> None:
    """Count (delta=1) or uncount (delta=-1) one comment's tokens as `label` ("spam" or "ham")."""
    assert label in ("spam", "ham") and delta in (1, -1)
    assert transaction.get_connection().in_atomic_block, "learn needs a transaction"
    tokens = sorted(set(tokens))
    if tokens:
        TokenStat.objects.bulk_create([TokenStat(token=t) for t in tokens], ignore_conflicts=True)
        rows = TokenStat.objects.filter(token__in=tokens)
        if connection.vendor == "postgresql":
            # Lock in token order, so two trainings never wait for each other in a circle.
            list(rows.order_by("token").select_for_update().values_list("pk", flat=True))
        if delta < 0:
            rows = rows.filter(**{f"{label}__gt": 0})
        rows.update(**{label: F(label) + delta})
    Corpus.add(label, delta)
