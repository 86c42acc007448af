"""The formulas of the report, as MathML: browsers draw them natively, with no script and no network.

A handful of tiny builders (:func:`mi`, :func:`mn`, :func:`mo`, :func:`sub`, :func:`sup`, …)
compose presentation MathML; :data:`FORMULAS` holds the formulas the report shows, by name.

>>> math_html(row(mi("D"), mo("="), sup(mi("r"), row(mi("L"), mo("−"), mn(1)))))
'<math><mrow><mi>D</mi><mo>=</mo><msup><mi>r</mi><mrow><mi>L</mi><mo>−</mo><mn>1</mn></mrow></msup></mrow></math>'
>>> sorted(FORMULAS)[:3]
['activation_threshold', 'ambient', 'defect']
"""

from __future__ import annotations

import html

__all__ = ["mi", "mn", "mo", "mtext", "row", "sub", "sup", "subsup", "binom", "sum_", "math_html", "FORMULAS", "formula"]


def mi(x: object) -> str:
    """An identifier (italic when one letter)."""
    return f"<mi>{html.escape(str(x))}</mi>"


def mn(x: object) -> str:
    """A number."""
    return f"<mn>{html.escape(str(x))}</mn>"


def mo(x: str) -> str:
    """An operator or fence."""
    return f"<mo>{html.escape(x)}</mo>"


def mtext(x: str) -> str:
    """Words inside a formula (with a space either side)."""
    return f"<mtext>\u00a0{html.escape(x)}\u00a0</mtext>"


def row(*parts: str) -> str:
    """Parts in a row (one group)."""
    return "<mrow>" + "".join(parts) + "</mrow>"


def sub(base: str, script: str) -> str:
    """``base`` with a subscript."""
    return f"<msub>{base}{script}</msub>"


def sup(base: str, script: str) -> str:
    """``base`` with a superscript."""
    return f"<msup>{base}{script}</msup>"


def subsup(base: str, low: str, high: str) -> str:
    """``base`` with a subscript and a superscript."""
    return f"<msubsup>{base}{low}{high}</msubsup>"


def binom(top: str, bottom: str) -> str:
    """A binomial coefficient."""
    return row(mo("("), f'<mfrac linethickness="0">{top}{bottom}</mfrac>', mo(")"))


def sum_(low: str, high: str) -> str:
    """A summation sign with limits."""
    return f"<munderover>{mo('∑')}{low}{high}</munderover>"


def math_html(body: str, *, display: bool = False) -> str:
    """A ``<math>`` element (``display="block"`` for a displayed formula)."""
    return f'<math display="block">{body}</math>' if display else f"<math>{body}</math>"


def _d(i: str) -> str:
    return sub(mi("d"), mi(i) if i.isalpha() else row(*(mi(c) if c.isalpha() else mo(c) if c in "+−" else mn(c) for c in i)))


def _formulas() -> dict[str, str]:
    dim_v = row(mi("dim"), '<mspace width="0.25em"/>', sub(mi("V"), row(mi("d"), mo(","), mi("r"))))
    hidden = row(sum_(row(mi("i"), mo("="), mn(1)), row(mi("L"), mo("−"), mn(1))), _d("i"))
    return {
        "weights": row(mi("N"), mo("="), sum_(row(mi("i"), mo("="), mn(1)), mi("L")), _d("i−1"), _d("i")),
        "degree": row(mi("D"), mo("="), sup(mi("r"), row(mi("L"), mo("−"), mn(1)))),
        "ambient": row(mi("amb"), mo("="), _d("L"), mo("·"), mi("M"), mo(","), mi("M"), mo("="),
                       binom(row(_d("0"), mo("+"), mi("D"), mo("−"), mn(1)), mi("D"))),
        "expected": row(mi("edim"), mo("="), mi("min"), mo("("), mi("N"), mo("−"), hidden, mo(","), mi("amb"), mo(")")),
        "defect": row(mi("defect"), mo("="), mi("edim"), mo("−"), dim_v),
        "activation_threshold": row(mi("ActThr"), mo("("), mi("d"), mo(")"), mo("="), mi("min"), mo("{"), mi("t"), mo("≥"),
                                    mn(1), mo(":"), dim_v, mo("="), mi("edim"), mtext("for all"), mi("r"), mo(">"), mi("t"), mo("}")),
        "hilbert": row(sub(mi("HF"), mi("V")), mo("("), mi("α"), mo(")"), mo("="), mi("dim"), '<mspace width="0.25em"/>', sub(mi("S"), mi("α")), mo("−"),
                       mi("dim"), '<mspace width="0.25em"/>', sub(row(mi("I"), mo("("), mi("V"), mo(")")), mi("α"))),
        "loss": row(mi("ℓ"), mo("("), mi("C"), mo(")"), mo("="), mi("tr"), mo("("), mi("C"), mi("A"), sup(mi("C"), mi("T")),
                    mo(")"), mo("−"), mn(2), mi("tr"), mo("("), mi("C"), mi("B"), mo(")"), mo("+"), mi("const")),
    }


#: Name -> MathML body (wrap with :func:`math_html` or use :func:`formula`).
FORMULAS = _formulas()


def formula(name: str, *, display: bool = True) -> str:
    """The formula ``name`` of :data:`FORMULAS` as a ``<math>`` element.

    >>> formula("defect").startswith('<math display="block">')
    True
    """
    return math_html(FORMULAS[name], display=display)
