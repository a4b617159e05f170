"""core.urlmaker.url_maker gives what reverse() gives, for every one-argument URL of the site."""

from __future__ import annotations

from django.urls import NoReverseMatch, get_resolver, reverse

from core.urlmaker import url_maker


def _one_argument_names() -> list[str]:
    names: set[str] = set()

    def walk(resolver, prefix: str) -> None:  # type: ignore[no-untyped-def]  # Django's resolver types are not exported
        for name in resolver.reverse_dict:
            if isinstance(name, str):
                possibilities = resolver.reverse_dict.getlist(name)
                if possibilities and all(len(params) == 1 for _bits, _p, _d, _c in possibilities
                                         for _s, params in _bits):
                    names.add(prefix + name)
        for ns, (_pattern, sub) in resolver.namespace_dict.items():
            walk(sub, f"{prefix}{ns}:")

    walk(get_resolver(), "")
    return sorted(names)


def test_url_maker_agrees_with_reverse_for_every_one_argument_url() -> None:
    names = _one_argument_names()
    assert {"person_detail", "observe:archive", "research:homeroom_class", "research:group_detail"} <= set(names)
    checked = 0
    for name in names:
        make = url_maker(name)
        for value in (42, "1140105001", "x-y_z", "教研 组", "a/b"):
            try:
                expected = reverse(name, args=[value])
            except NoReverseMatch:
                continue
            assert make(value) == expected, (name, value)
            checked += 1
    assert checked > len(names)
