"""When two stated numbers are one quantity, and whether they then agree: the value rules of ``differ``.

Two numbers found in two sources' versions of one statement (an aligned
sentence pair, ``facts.differ``) are compared as quantities:

* a unit is put in its base unit first ("2 km" is 2,000 metre, "90 minutes"
  1.5 hour) by a compact table of measures, so equal amounts written in other
  units are equal;
* two values that are equal after that are one quantity whatever words name
  what is counted ("two cars" / "two automobiles", "140 years" /
  "140-year-old"): a rewording, never a difference;
* two different values are a contradiction only when they count the same
  thing: the same base unit, the same count kind (``story.COUNT_KINDS``, given as the unit), or
  the same word up to its ending ("year" / "year-old", "resident" /
  "residents"). Different words with different values ("two cars" / "three
  automobiles") are left alone: without word vectors (the packaged spaCy
  model has none) synonymy is not known, and a guess would report noise.

Not here: finding numbers (``facts.numbers``), pairing statements (``facts.differ``).
"""

from __future__ import annotations

from storytrace.text.tokens import stem

# Units of measure: each spelling to its base unit and the factor to it. Lengths, areas, masses, volumes,
# durations, speeds: the units news copy writes. Currencies are not converted (rates change).
_MEASURES: dict[str, tuple[str, float]] = {
    **dict.fromkeys(("mm", "millimetre", "millimeter"), ("metre", 0.001)),
    **dict.fromkeys(("cm", "centimetre", "centimeter"), ("metre", 0.01)),
    **dict.fromkeys(("m", "metre", "meter"), ("metre", 1.0)),
    **dict.fromkeys(("km", "kilometre", "kilometer"), ("metre", 1000.0)),
    **dict.fromkeys(("in", "inch"), ("metre", 0.0254)),
    **dict.fromkeys(("ft", "foot", "feet"), ("metre", 0.3048)),
    **dict.fromkeys(("yd", "yard"), ("metre", 0.9144)),
    **dict.fromkeys(("mi", "mile"), ("metre", 1609.344)),
    **dict.fromkeys(("ha", "hectare"), ("square metre", 10_000.0)),
    **dict.fromkeys(("acre",), ("square metre", 4046.8564224)),
    **dict.fromkeys(("g", "gram", "gramme"), ("kilogram", 0.001)),
    **dict.fromkeys(("kg", "kilogram", "kilogramme", "kilo"), ("kilogram", 1.0)),
    **dict.fromkeys(("tonne", "t"), ("kilogram", 1000.0)),
    **dict.fromkeys(("lb", "pound-weight"), ("kilogram", 0.45359237)),
    **dict.fromkeys(("l", "litre", "liter"), ("litre", 1.0)),
    **dict.fromkeys(("ml", "millilitre", "milliliter"), ("litre", 0.001)),
    **dict.fromkeys(("second", "sec", "s"), ("hour", 1 / 3600)),
    **dict.fromkeys(("minute", "min"), ("hour", 1 / 60)),
    **dict.fromkeys(("hour", "hr", "h"), ("hour", 1.0)),
    **dict.fromkeys(("day",), ("hour", 24.0)),
    **dict.fromkeys(("week",), ("hour", 168.0)),
    **dict.fromkeys(("kph", "km/h"), ("km/h", 1.0)),
    **dict.fromkeys(("mph",), ("km/h", 1.609344)),
}
# Relative error under which two converted values are equal ("3 miles" and "4.8 km").
SAME_VALUE_TOLERANCE = 0.02
# Endings that make an age or a size of a noun: "140-year-old" counts years, as "140 years" does.
_ADJECTIVE_ENDINGS = ("-old", "-long", "-wide", "-high", "-tall", "-deep")


def unit_word(unit: str) -> str:
    """The counted word of a unit, endings aside: "year-old" and "years" are "year"."""
    word = unit.lower().strip()
    for ending in _ADJECTIVE_ENDINGS:
        if word.endswith(ending):
            word = word[: -len(ending)]
    return stem(word)


def base(value: float, unit: str) -> tuple[float, str]:
    """``value`` in ``unit``'s base unit (unchanged, with its counted word, when not a unit of measure)."""
    key = unit.lower().strip()
    if key.endswith("s") and key[:-1] in _MEASURES and key not in _MEASURES:
        key = key[:-1]
    measure = _MEASURES.get(key)
    if measure is None:
        return value, unit_word(unit)
    return value * measure[1], measure[0]


def same_value(x: tuple[float, str], y: tuple[float, str]) -> bool:
    """Equal amounts: the same number in any words, or the same measure in two units."""
    (vx, ux), (vy, uy) = base(*x), base(*y)
    if ux in _BASES and uy in _BASES and ux != uy:
        return False  # two measures of different things ("2 km", "2 hours")
    if ux != uy or ux not in _BASES:
        return x[0] == y[0]  # a count: the number decides, the counted word may be reworded
    return abs(vx - vy) <= SAME_VALUE_TOLERANCE * max(abs(vx), abs(vy))


def same_quantity(x: tuple[float, str], y: tuple[float, str]) -> bool:
    """Whether two numbers with their units count the same thing (then different values contradict).

    Count kinds ("injured", "dead") are units already (``article_facts._counted``).
    """
    if not x[1] or not y[1]:
        return False
    return base(*x)[1] == base(*y)[1]


_BASES = frozenset(b for b, _ in _MEASURES.values())
