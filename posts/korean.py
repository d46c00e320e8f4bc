"""Korean words without their particles, for search.

Korean glues particles (josa) to the noun they mark: 탈북자의 ("of the
defector"), 미역국을 (seaweed soup, as object). Full-text engines index the
whole run as one token, so a search for 탈북자 would miss 탈북자의. Posts index
the particle-free form of every Korean word beside the text itself (see
``PostPage.korean_word_stems``), and a query's Korean words lose their particles
too, so either form finds the other on SQLite and PostgreSQL alike.

The list holds the common particles and the plural 들 before them; a word keeps
at least two syllables, so 국가 ("state") is never read as 국 + 가.
"""

import re

HANGUL_SYLLABLES = "\uac00-\ud7a3"
HANGUL_WORD = re.compile(f"[{HANGUL_SYLLABLES}]+")

# Longest first, so 에서는 is tried before 는.
PARTICLES = sorted(
    set(
        # case particles
        "이 가 을 를 은 는 의 에 에서 에게 께 한테 로 으로 와 과 랑 이랑 하고 께서"
        # auxiliary particles
        " 도 만 까지 부터 조차 마저 밖에 처럼 보다 마다 이나 나 이든 든지 이라도 라도"
        " 야말로 이야"
        # particles stacked on particles
        " 에는 에서는 에게는 으로는 로는 와는 과는 에도 에서도 으로도 로도 에만 으로서"
        " 로서 으로써 로써 에서의 으로의 로의 와의 과의 에의"
        # the copula, often written onto a noun
        " 이다 이며 이고 입니다 였다 이었다".split()
    ),
    key=len,
    reverse=True,
)
_PARTICLE = re.compile("(?:들)?(?:" + "|".join(PARTICLES) + ")$|들$")
MIN_STEM = 2


def stem(word: str) -> str:
    """``탈북자의`` -> ``탈북자``; a word with no particle comes back as it is."""
    found = _PARTICLE.search(word)
    if found is None or found.start() < MIN_STEM:
        return word
    return word[: found.start()]


def word_stems(text: str) -> list[str]:
    """The particle-free forms of the Korean words in `text`, each once."""
    stems = dict.fromkeys(stem(word) for word in HANGUL_WORD.findall(text or ""))
    return list(stems)


def stem_query(query: str) -> str:
    """A cleaned query whose Korean words lost their particles."""
    return " ".join(
        stem(term) if HANGUL_WORD.fullmatch(term) else term for term in query.split()
    )


def highlight_pattern(term: str) -> str:
    """A regex finding a Korean `term` at a word start, particles allowed after."""
    particles = "|".join(PARTICLES)
    return (
        f"(?<![{HANGUL_SYLLABLES}]){re.escape(term)}"
        f"(?=(?:들)?(?:{particles})?(?![{HANGUL_SYLLABLES}]))"
    )
