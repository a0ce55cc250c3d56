"""What the invoice tests share: a VAT-paying and a non-paying community, and reading a PDF's text."""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PdfReader

from catalogue.models import Variant
from producers.models import Community
from tests.factories.catalogue import make_product, make_variant
from tests.factories.producers import make_community
from tests.factories.shop import make_operator


@dataclass
class Sellers:
    slapaberze: Community  #: not a VAT payer; sells a quilled card at 4,50 €
    krakes: Community  #: a VAT payer; sells a straw star at 3,25 €
    card: Variant
    star: Variant


def make_sellers() -> Sellers:
    make_operator()
    slapaberze = make_community(
        slug="slapaberze",
        name="Šlapaberžės bendruomenės centras",
        legal_name="Asociacija „Šlapaberžės bendruomenės centras“",
        registration_code="302173840",
        address_line="Parko g. 5, Šlapaberžė",
        postal_code="LT-58250",
        district="Kėdainių r. sav.",
        invoice_prefix="SLAP",
    )
    krakes = make_community(
        slug="krakes",
        name="Krakių bendruomenė",
        legal_name="Krakių bendruomenės centras",
        registration_code="300061822",
        is_vat_payer=True,
        vat_code="LT100004567810",
        invoice_prefix="KRAK",
    )
    card = make_product(
        slapaberze,
        name_lt="Quilling atvirukas „Žiemos žvaigždė“",
        variants=[make_variant(price_cents=450, stock=50, sku="SLAP-Q1")],
    ).variants[0]
    star = make_product(
        krakes, name_lt="Šiaudinė žvaigždė", variants=[make_variant(price_cents=325, stock=50, sku="KR-S1")]
    ).variants[0]
    return Sellers(slapaberze, krakes, card, star)


def pdf_text(pdf: bytes) -> str:
    """Every page's text, as a reader's copy-and-paste would have it (spaces folded)."""
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
