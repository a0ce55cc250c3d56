"""Demo catalogue for Kaimo mugė: the VVG, six rural communities of Kėdainiai district and their crafts.

Pure data: the names, stories and products are made up (but believable) so that a fresh install has a
shop worth looking at. E-mail addresses use example.org, codes and the IBAN are invented (the IBAN and
the registration codes carry valid check digits). `shop.demo.art` draws the photos from each product's
`motif` and its community's `palette`.
"""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class DemoCommunity:
    """A rural community organisation that sells its members' crafts."""

    slug: str  #: ascii; also the local part of its members' demo log-ins (slapaberze@example.org)
    name: str
    legal_name: str
    registration_code: str  #: 9-digit legal-entity code (invented, valid check digit)
    address_line: str
    postal_code: str
    city: str
    district: str
    email: str  #: public contact address
    phone: str
    is_vat_payer: bool
    story_lt: str
    story_en: str
    palette: tuple[str, str, str]  #: main, second and accent colour of its product photos
    invoice_prefix: str = ""  #: its invoices' series (SLAP-2026-000001)
    vat_code: str = ""  #: a VAT payer's code (invented)


@dataclass(frozen=True)
class DemoCategory:
    """A product category."""

    slug: str
    name_lt: str
    name_en: str
    description_lt: str
    description_en: str
    holds_cards: bool = False  #: greeting cards: a gift message is written into them, not on a note


@dataclass(frozen=True)
class DemoProductType:
    """A kind of product for product safety, with the warning its listings start from."""

    name_lt: str
    name_en: str
    is_warning_required: bool
    warning_lt: str
    warning_en: str


@dataclass(frozen=True)
class DemoVariant:
    """One buyable variant of a product."""

    sku: str
    name_lt: str  #: "" when the product has a single variant
    name_en: str
    price_cents: int  #: EUR cents, VAT included
    stock: int
    is_made_to_order: bool
    lead_days: int | None  #: days to make it, for made-to-order variants
    weight_grams: int


@dataclass(frozen=True)
class DemoProduct:
    """A handmade product with its variants."""

    community_slug: str
    category_slug: str
    slug: str
    name_lt: str
    name_en: str
    description_lt: str
    description_en: str  #: "" for a few products, to exercise the Lithuanian fallback
    product_type: str  #: the name_lt of one of PRODUCT_TYPES
    safety_notes_lt: str  #: "" takes the type's warning template (as a member's empty warning does)
    safety_notes_en: str
    is_featured: bool
    motif: str  #: one of shop.demo.art.MOTIFS
    variants: tuple[DemoVariant, ...]
    image_count: int


def _variant(
    sku: str,
    price_cents: int,
    stock: int,
    weight_grams: int,
    name_lt: str = "",
    name_en: str = "",
    *,
    lead_days: int | None = None,
) -> DemoVariant:
    """A variant; giving lead days makes it made to order (and so without stock)."""
    made_to_order = lead_days is not None
    return DemoVariant(
        sku=sku,
        name_lt=name_lt,
        name_en=name_en,
        price_cents=price_cents,
        stock=0 if made_to_order else stock,
        is_made_to_order=made_to_order,
        lead_days=lead_days,
        weight_grams=weight_grams,
    )


CARDS = "kaledinai-atvirukai"
ENVELOPES = "vokai"
ORNAMENTS = "kaledinai-zaisliukai"

PAPER = "Popieriniai gaminiai (atvirukai, vokai)"
TEXTILE = "Tekstilės papuošalai be užpildo"
FILLED = "Tekstilės gaminiai su užpildu"
STRAW = "Šiaudiniai ir kiti degūs papuošalai"
WOOD = "Mediniai papuošalai"
GLASS = "Stikliniai papuošalai"
SMALL_PARTS = "Gaminiai su smulkiomis dalimis"
CANDLES = "Žvakės"

#: The VVG's product types, as migration 0013 adds them to every database (the demo adds any missing, e.g.
#: to the tests' emptied tables).
PRODUCT_TYPES: tuple[DemoProductType, ...] = (
    DemoProductType(PAPER, "Paper goods (cards, envelopes)", False, "", ""),
    DemoProductType(
        TEXTILE,
        "Textile decorations without filling",
        False,
        "Dekoracija, ne žaislas.",
        "A decoration, not a toy.",
    ),
    DemoProductType(
        FILLED,
        "Textiles with fillings",
        True,
        "Dekoracija, ne žaislas: netinka vaikams iki 3 metų. Viduje yra užpildo (pvz., džiovintų augalų), "
        "kurį galima praryti. Laikykite sausai, neskalbkite.",
        "A decoration, not a toy: not suitable for children under 3 years. Contains a filling (e.g. dried "
        "plants) that could be swallowed. Keep dry; do not wash.",
    ),
    DemoProductType(
        STRAW,
        "Straw and other flammable decorations",
        True,
        "Degus gaminys: nekabinkite arti žvakių, židinio ar šildytuvų. Dekoracija, ne žaislas; "
        "netinka vaikams iki 3 metų.",
        "Flammable: do not hang near candles, fireplaces or heaters. A decoration, not a toy; not suitable "
        "for children under 3 years.",
    ),
    DemoProductType(
        WOOD,
        "Wooden decorations",
        True,
        "Dekoracija, ne žaislas. Netinka vaikams iki 3 metų: yra smulkių dalių. Saugokite nuo drėgmės ir "
        "ugnies.",
        "A decoration, not a toy. Not suitable for children under 3 years: contains small parts. Keep away "
        "from damp and fire.",
    ),
    DemoProductType(
        GLASS,
        "Glass ornaments",
        True,
        "Stiklinis, dūžtantis gaminys: sudužęs turi aštrių šukių. Kabinkite vaikams nepasiekiamoje vietoje. "
        "Dekoracija, ne žaislas.",
        "Made of glass and fragile: sharp when broken. Hang out of children's reach. "
        "A decoration, not a toy.",
    ),
    DemoProductType(
        SMALL_PARTS,
        "Items with small parts",
        True,
        "Netinka vaikams iki 3 metų. Yra smulkių dalių, kurias galima praryti.",
        "Not suitable for children under 3 years. Contains small parts.",
    ),
    DemoProductType(
        CANDLES,
        "Candles",
        True,
        "Degančios žvakės nepalikite be priežiūros. Statykite ją ant nedegaus pagrindo, toliau nuo "
        "užuolaidų, eglišakių ir kitų degių daiktų, vaikams ir gyvūnams nepasiekiamoje vietoje.",
        "Never leave a burning candle unattended. Stand it on a heat-resistant surface, away from curtains, "
        "fir branches and anything else that burns, out of the reach of children and pets.",
    ),
)


VVG: dict[str, str] = {
    "name": "Kėdainių rajono vietos veiklos grupė",
    "registration_code": "300619429",
    "address": "Pirmūnų g. 13A, 57214 Kėdainiai",
    "email": "info@vvg.example.org",
    "phone": "+370 347 51234",
    "iban": "LT207300010112345678",
}


COMMUNITIES: tuple[DemoCommunity, ...] = (
    DemoCommunity(
        slug="slapaberze",
        name="Šlapaberžės bendruomenės centras",
        legal_name="Asociacija „Šlapaberžės bendruomenės centras“",
        registration_code="302173840",
        address_line="Parko g. 5, Šlapaberžė",
        postal_code="LT-58250",
        city="Šlapaberžė",
        district="Kėdainių r. sav.",
        email="info@slapaberze.example.org",
        phone="+370 612 48305",
        is_vat_payer=False,
        story_lt=(
            "Kiekvieną ketvirtadienio vakarą Šlapaberžės bendruomenės namuose renkasi rankdarbių būrelis. "
            "Močiutės čia moko anūkes verti šiaudinius sodus, o jaunesnės narės plonas popieriaus juosteles "
            "suka į quilling atvirukus. Prie didelio stalo visada garuoja liepžiedžių arbata, o kiekvienas "
            "gaminys turi savo pasakojimą."
        ),
        story_en=(
            "Every Thursday evening the Šlapaberžė crafts circle gathers at the community house. "
            "Grandmothers teach their granddaughters to thread straw into traditional “sodas” ornaments, "
            "while the younger members roll thin paper strips into quilled cards. There is always linden "
            "tea on the big table, and every piece comes with a story."
        ),
        palette=("#a3262a", "#2f5d46", "#d9a441"),
        invoice_prefix="SLAP",
    ),
    DemoCommunity(
        slug="surviliskis",
        name="Surviliškio bendruomenė",
        legal_name="Asociacija „Surviliškio bendruomenė“",
        registration_code="301245781",
        address_line="Vilties g. 2, Surviliškis",
        postal_code="LT-58401",
        city="Surviliškis",
        district="Kėdainių r. sav.",
        email="info@surviliskis.example.org",
        phone="+370 645 20917",
        is_vat_payer=False,
        story_lt=(
            "Surviliškis įsikūręs ant Nevėžio kranto, o žiemą upė čia virsta balta juosta. Bendruomenės "
            "moterys neria snaiges iš medvilninių siūlų, tapo stiklinius žaisliukus ir piešia atvirukus su "
            "pažįstamais miestelio vaizdais. Už surinktas lėšas kasmet rengiama vaikų Kalėdų eglutė."
        ),
        story_en=(
            "Surviliškis sits on the bank of the Nevėžis, and in winter the river turns into a white ribbon. "
            "Women of the community crochet snowflakes from cotton thread, paint glass baubles and draw "
            "cards of the village's familiar corners. What they raise pays for the children's Christmas "
            "party every year."
        ),
        palette=("#1f4e79", "#cfd8e3", "#c98b4a"),
        invoice_prefix="SURV",
    ),
    DemoCommunity(
        slug="pagiriai",
        name="Pagirių bendruomenės centras",
        legal_name="Asociacija „Pagirių bendruomenės centras“",
        registration_code="166209539",
        address_line="Mokyklos g. 8, Pagiriai",
        postal_code="LT-58125",
        city="Pagiriai",
        district="Kėdainių r. sav.",
        email="info@pagiriai.example.org",
        phone="+370 686 31442",
        is_vat_payer=False,
        story_lt=(
            "Vasarą Pagirių bendruomenės narės renka pievų žiedus ir paparčio lapelius, džiovina juos tarp "
            "senų knygų puslapių, o žiemą sudėlioja į atvirukus. Lininius maišelius ir širdeles jos siuva iš "
            "vietinio lino ir pripildo levandų iš bendruomenės darželio."
        ),
        story_en=(
            "In summer the women of Pagiriai gather meadow flowers and fern leaves and press them between "
            "the pages of old books; in winter they arrange them on cards. They sew hearts and little bags "
            "from local linen and fill them with lavender from the community garden."
        ),
        palette=("#7b2d43", "#8aa37b", "#efe3c8"),
        invoice_prefix="PAG",
    ),
    DemoCommunity(
        slug="gudziunai",
        name="Gudžiūnų bendruomenės centras",
        legal_name="Asociacija „Gudžiūnų bendruomenės centras“",
        registration_code="300833162",
        address_line="Kėdainių g. 21, Gudžiūnai",
        postal_code="LT-58286",
        city="Gudžiūnai",
        district="Kėdainių r. sav.",
        email="info@gudziunai.example.org",
        phone="+370 658 74120",
        is_vat_payer=False,
        story_lt=(
            "Gudžiūnuose seniai gyvuoja medžio drožėjų tradicija: bendruomenės dirbtuvėse vyrai pjausto ir "
            "šlifuoja angelus, o jų žmonos išdegina raštus ir tapo. Šiaudinius sodus čia veria visa šeima – "
            "didžiausias kabo bendruomenės salėje jau dešimt metų."
        ),
        story_en=(
            "Gudžiūnai has a long tradition of woodcarving: in the community workshop the men cut and sand "
            "the angels, and their wives burn and paint the patterns. Straw “sodas” ornaments are a family "
            "affair here – the biggest one has hung in the community hall for ten years."
        ),
        palette=("#2e6b3f", "#b5432f", "#e3c27a"),
        invoice_prefix="GUD",
    ),
    DemoCommunity(
        slug="josvainiai",
        name="Josvainių bendruomenės centras",
        legal_name="Asociacija „Josvainių bendruomenės centras“",
        registration_code="300442199",
        address_line="Ariogalos g. 10, Josvainiai",
        postal_code="LT-58257",
        city="Josvainiai",
        district="Kėdainių r. sav.",
        email="info@josvainiai.example.org",
        phone="+370 623 05588",
        is_vat_payer=False,
        story_lt=(
            "Josvainių rankdarbių klubas „Gija“ susitinka senojoje mokykloje. Čia veliama vilna, siuvinėjama "
            "kryželiu ir nertos snaigės krakmolijamos ant didelės lentos. Kiekvieno gaminio rašto ieškoma "
            "senuose Josvainių krašto audiniuose ir juostose."
        ),
        story_en=(
            "The Josvainiai crafts club “Gija” meets in the old school building. Its members felt wool, "
            "cross-stitch, and starch their crocheted snowflakes on a big board. The patterns come from old "
            "woven cloths and sashes of the Josvainiai area."
        ),
        palette=("#5b3a6e", "#d6a23c", "#efe6d6"),
        invoice_prefix="JOSV",
    ),
    DemoCommunity(
        slug="krakes",
        name="Krakių bendruomenės centras",
        legal_name="Asociacija „Krakių bendruomenės centras“",
        registration_code="302374551",
        address_line="Turgaus g. 7, Krakės",
        postal_code="LT-58371",
        city="Krakės",
        district="Kėdainių r. sav.",
        email="info@krakes.example.org",
        phone="+370 699 12873",
        is_vat_payer=True,
        story_lt=(
            "Krakių bendruomenė turi savo keramikos ir stiklo tapybos dirbtuvę, todėl čia gimsta ryškiausi "
            "mugės žaisliukai. Tapytojos stiklinius burbulus puošia baltais taškeliais ir snaigėmis, o "
            "jaunimas išdegina raštus medžio riekelėse. Per Kalėdų mugę aikštėje jų prekystalis visada "
            "apsuptas pirkėjų."
        ),
        story_en=(
            "The Krakės community runs its own ceramics and glass-painting workshop, which is where the "
            "brightest ornaments of the fair are born. The painters decorate glass baubles with white dots "
            "and snowflakes, and young members burn patterns into wood slices. At the Christmas fair on the "
            "square their stall is always crowded."
        ),
        palette=("#23686e", "#c4643f", "#f3ead9"),
        invoice_prefix="KRAK",
        vat_code="LT100003412716",
    ),
)


CATEGORIES: tuple[DemoCategory, ...] = (
    DemoCategory(
        slug=CARDS,
        name_lt="Kalėdiniai atvirukai",
        name_en="Christmas cards",
        description_lt=(
            "Rankų darbo kalėdiniai atvirukai: quilling, siuvinėti, su džiovintais žiedais ir piešti. "
            "Kiekvienas – su voku."
        ),
        description_en=(
            "Handmade Christmas cards: quilled, embroidered, with pressed flowers or hand-drawn. "
            "Each comes with an envelope."
        ),
        holds_cards=True,
    ),
    DemoCategory(
        slug=ENVELOPES,
        name_lt="Vokai",
        name_en="Envelopes",
        description_lt=(
            "Kraftiniai ir spalvoti vokai su vaško antspaudais, įklotais ir lininiais raišteliais."
        ),
        description_en="Kraft and coloured envelopes with wax seals, patterned liners and linen ties.",
    ),
    DemoCategory(
        slug=ORNAMENTS,
        name_lt="Kalėdiniai žaisliukai",
        name_en="Christmas ornaments",
        description_lt=(
            "Eglutės žaisliukai iš šiaudų, veltinio, medžio ir stiklo, pagaminti Kėdainių krašto kaimuose."
        ),
        description_en=(
            "Tree ornaments of straw, felt, wood and glass, made in the villages of Kėdainiai district."
        ),
    ),
)


PRODUCTS: tuple[DemoProduct, ...] = (
    # --- Šlapaberžė ---------------------------------------------------------------------------------------
    DemoProduct(
        community_slug="slapaberze",
        category_slug=CARDS,
        slug="quilling-atvirukas-kaledu-vainikas",
        name_lt="Quilling atvirukas „Kalėdų vainikas“",
        name_en="Quilled card “Christmas Wreath”",
        description_lt=(
            "Vainikas susuktas iš plonų popieriaus juostelių: kiekviena spiralė ir lapelis klijuojami "
            "rankomis. Sulankstytas A6 formato atvirukas (10,5 × 14,8 cm) su kraftiniu voku. Sukūrė "
            "Šlapaberžės rankdarbių būrelio narės."
        ),
        description_en=(
            "The wreath is made of thin paper strips, every coil and leaf rolled and glued by hand. "
            "A folded A6 card (10.5 × 14.8 cm) with a kraft envelope, made by the Šlapaberžė crafts circle."
        ),
        product_type=PAPER,
        safety_notes_lt="",
        safety_notes_en="",
        is_featured=True,
        motif="card_quilling_wreath",
        variants=(
            _variant("SLA-ATV-001-1", 480, 12, 22, "Vienas atvirukas", "Single card"),
            _variant("SLA-ATV-001-2", 2100, 4, 125, "5 atvirukų rinkinys", "Set of five"),
        ),
        image_count=2,
    ),
    DemoProduct(
        community_slug="slapaberze",
        category_slug=CARDS,
        slug="atvirukas-sniegena-ant-sermuksnio",
        name_lt="Atvirukas „Sniegena ant šermukšnio“",
        name_en="Card “Bullfinch on a Rowan Branch”",
        description_lt=(
            "Sniegena ant apsnigtos šermukšnio šakelės nupiešta akvarele ir atspausta ant storo akvarelinio "
            "popieriaus, o snaigės ranka paryškintos baltu tušu. A6 formato atvirukas su baltu voku."
        ),
        description_en=(
            "A bullfinch on a snowy rowan branch, painted in watercolour and printed on heavy watercolour "
            "paper; the snowflakes are added by hand in white ink. A6 card with a white envelope."
        ),
        product_type=PAPER,
        safety_notes_lt="",
        safety_notes_en="",
        is_featured=False,
        motif="card_bullfinch",
        variants=(_variant("SLA-ATV-002-1", 390, 18, 20),),
        image_count=1,
    ),
    DemoProduct(
        community_slug="slapaberze",
        category_slug=CARDS,
        slug="atvirukas-astuonkampe-zvaigzde",
        name_lt="Atvirukas „Aštuonkampė žvaigždė“",
        name_en="Card “Eight-Pointed Star”",
        description_lt=(
            "Aštuonkampė žvaigždė – senas lietuviškų audinių ženklas – sudėliota iš auksinių popieriaus "
            "juostelių ant sodrios raudonos kortelės. Atvirukas 12 × 17 cm, su kraftiniu voku."
        ),
        description_en=(
            "The eight-pointed star, an old sign from Lithuanian weaving, laid out in gold paper strips on a "
            "deep red card. 12 × 17 cm, with a kraft envelope."
        ),
        product_type=PAPER,
        safety_notes_lt="",
        safety_notes_en="",
        is_featured=False,
        motif="card_star",
        variants=(_variant("SLA-ATV-003-1", 420, 9, 24),),
        image_count=1,
    ),
    DemoProduct(
        community_slug="slapaberze",
        category_slug=ENVELOPES,
        slug="kraftinis-vokas-su-vasko-antspaudu",
        name_lt="Kraftinis vokas su vaško antspaudu",
        name_en="Kraft envelope with a wax seal",
        description_lt=(
            "C6 formato (11,4 × 16,2 cm) vokas iš perdirbto kraftinio popieriaus, užantspauduotas raudonu "
            "vašku su eglutės įspaudu. Po antspaudu – gyvos eglės šakelė ir lininis siūlas."
        ),
        description_en=(
            "A C6 envelope (11.4 × 16.2 cm) of recycled kraft paper, closed with red wax pressed with a "
            "little fir tree, over a real fir sprig and a linen thread."
        ),
        product_type=PAPER,
        safety_notes_lt="",
        safety_notes_en="",
        is_featured=False,
        motif="envelope_wax_seal",
        variants=(
            _variant("SLA-VOK-001-1", 290, 30, 12, "Vienas vokas", "Single envelope"),
            _variant("SLA-VOK-001-2", 1250, 6, 62, "5 vokų rinkinys", "Set of five"),
        ),
        image_count=1,
    ),
    DemoProduct(
        community_slug="slapaberze",
        category_slug=ORNAMENTS,
        slug="siaudine-zvaigzde",
        name_lt="Šiaudinė žvaigždė",
        name_en="Straw star",
        description_lt=(
            "Šešiolikos spindulių žvaigždė iš perskeltų rugių šiaudų, surišta raudonu medvilniniu siūlu. "
            "Šiaudus būrelio narės pačios pjauna vasarą, o prieš pindamos pamerkia į vandenį, kad nelūžtų."
        ),
        description_en=(
            "A sixteen-ray star of split rye straw tied with red cotton thread. The crafters cut the straw "
            "themselves in summer and soak it before weaving, so it does not crack."
        ),
        product_type=STRAW,
        safety_notes_lt="",
        safety_notes_en="",
        is_featured=True,
        motif="straw_star",
        variants=(
            _variant("SLA-ZAI-001-1", 650, 14, 12, "Maža (10 cm)", "Small (10 cm)"),
            _variant("SLA-ZAI-001-2", 1100, 5, 26, "Didelė (18 cm)", "Large (18 cm)"),
        ),
        image_count=2,
    ),
    DemoProduct(
        community_slug="slapaberze",
        category_slug=ORNAMENTS,
        slug="siaudinis-sodas-mazasis",
        name_lt="Šiaudinis sodas „Mažasis“",
        name_en="Small straw “sodas” ornament",
        description_lt=(
            "Tradicinis lietuviškas sodas, suvertas iš rugių šiaudelių ant lininio siūlo, su trimis "
            "kabančiais mažaisiais sodeliais ir kutais. Aukštis apie 25 cm; veriamas tik gavus užsakymą."
        ),
        description_en=(
            "A traditional Lithuanian “sodas” of rye straws threaded on linen, with three small hanging "
            "ornaments and tassels. About 25 cm tall; made to order."
        ),
        product_type=STRAW,
        safety_notes_lt="",
        safety_notes_en="",
        is_featured=False,
        motif="straw_sodas",
        variants=(_variant("SLA-ZAI-002-1", 1800, 0, 45, lead_days=10),),
        image_count=2,
    ),
    DemoProduct(
        community_slug="slapaberze",
        category_slug=ORNAMENTS,
        slug="veltinio-sirdele-su-sagute",
        name_lt="Veltinio širdelė su sagute",
        name_en="Felted heart with a button",
        description_lt=(
            "Širdelė iš raudonos vilnos veltinio, apsiūta kreminiu siūlu ir papuošta medine sagute. "
            "Dydis apie 9 × 8 cm, pakabinama ant džiuto virvelės."
        ),
        description_en=(
            "A heart of red felted wool, edged with cream running stitches and a wooden button. "
            "About 9 × 8 cm, on a jute loop."
        ),
        product_type=SMALL_PARTS,
        safety_notes_lt="",
        safety_notes_en="",
        is_featured=False,
        motif="felt_heart",
        variants=(_variant("SLA-ZAI-003-1", 550, 20, 18),),
        image_count=1,
    ),
    # --- Surviliškis --------------------------------------------------------------------------------------
    DemoProduct(
        community_slug="surviliskis",
        category_slug=CARDS,
        slug="atvirukas-snaigiu-sokis",
        name_lt="Atvirukas „Snaigių šokis“",
        name_en="Card “Dance of the Snowflakes”",
        description_lt=(
            "Baltos snaigės, ranka pieštos guašu ant tamsiai mėlyno kartono, o apačioje – sniego kalnelis. "
            "A6 formato atvirukas su voku; kiekvienas piešinys šiek tiek kitoks."
        ),
        description_en=(
            "White snowflakes painted by hand in gouache on dark blue card, above a snowy hill. "
            "A6 card with an envelope; no two are quite the same."
        ),
        product_type=PAPER,
        safety_notes_lt="",
        safety_notes_en="",
        is_featured=False,
        motif="card_snowflakes",
        variants=(
            _variant("SUR-ATV-001-1", 350, 25, 19, "Vienas atvirukas", "Single card"),
            _variant("SUR-ATV-001-2", 1500, 8, 98, "5 atvirukų rinkinys", "Set of five"),
        ),
        image_count=2,
    ),
    DemoProduct(
        community_slug="surviliskis",
        category_slug=CARDS,
        slug="atvirukas-ziemos-vakaras-surviliskyje",
        name_lt="Atvirukas „Žiemos vakaras Surviliškyje“",
        name_en="Card “Winter Evening in Surviliškis”",
        description_lt=(
            "Medinė sodyba su šviečiančiais langais, eglės ir mėnulis virš sniego – piešinys sukurtas pagal "
            "senovinę Surviliškio trobą. Atspausta ant dizainerinio kartono, A6 formatas, su voku."
        ),
        description_en=(
            "A wooden farmhouse with glowing windows, firs and a moon over the snow, drawn after an old "
            "Surviliškis cottage. Printed on designer card, A6, with an envelope."
        ),
        product_type=PAPER,
        safety_notes_lt="",
        safety_notes_en="",
        is_featured=True,
        motif="card_village_house",
        variants=(_variant("SUR-ATV-002-1", 420, 11, 21),),
        image_count=1,
    ),
    DemoProduct(
        community_slug="surviliskis",
        category_slug=CARDS,
        slug="siuvinetas-atvirukas-eglute",
        name_lt="Siuvinėtas atvirukas „Eglutė“",
        name_en="Cross-stitched card “Fir Tree”",
        description_lt=(
            "Eglutė išsiuvinėta kryželiu ant lininės drobės ir įklijuota į dvigubo kartono rėmelį. "
            "Kiekvienas atvirukas siuvinėjamas gavus užsakymą, todėl jo tenka palaukti apie savaitę."
        ),
        description_en=(
            "A fir tree cross-stitched on linen and mounted in a double card frame. Each card is stitched "
            "once you order it, so allow about a week."
        ),
        product_type=PAPER,
        safety_notes_lt="",
        safety_notes_en="",
        is_featured=False,
        motif="card_cross_stitch",
        variants=(_variant("SUR-ATV-003-1", 590, 0, 30, lead_days=7),),
        image_count=1,
    ),
    DemoProduct(
        community_slug="surviliskis",
        category_slug=ENVELOPES,
        slug="vokas-su-rastuotu-iklotu",
        name_lt="Vokas su raštuotu įklotu",
        name_en="Envelope with a patterned liner",
        description_lt=(
            "Kreminis C6 formato vokas, kurio atlanką iš vidaus dengia mėlynas įklotas su eglučių raštu. "
            "Įklotai iškerpami ir įklijuojami rankomis bendruomenės namuose."
        ),
        description_en=(
            "A cream C6 envelope whose flap is lined with blue paper printed with little fir trees. "
            "The liners are cut and glued by hand at the community house."
        ),
        product_type=PAPER,
        safety_notes_lt="",
        safety_notes_en="",
        is_featured=False,
        motif="envelope_lined",
        variants=(_variant("SUR-VOK-001-1", 350, 22, 10),),
        image_count=1,
    ),
    DemoProduct(
        community_slug="surviliskis",
        category_slug=ORNAMENTS,
        slug="nerta-snaige",
        name_lt="Nerta snaigė",
        name_en="Crocheted snowflake",
        description_lt=(
            "Snaigė nerta vąšeliu iš plono medvilninio siūlo ir sustandinta cukraus sirupu. "
            "Skersmuo apie 11 cm; tinka eglutei, langui ar dovanos pakuotei papuošti."
        ),
        description_en=(
            "A snowflake crocheted from fine cotton thread and stiffened with sugar syrup. About 11 cm "
            "across; for the tree, a window or a gift wrap."
        ),
        product_type=TEXTILE,
        safety_notes_lt="",
        safety_notes_en="",
        is_featured=False,
        motif="crochet_snowflake",
        variants=(
            _variant("SUR-ZAI-001-1", 450, 30, 10, "Balta", "White"),
            _variant("SUR-ZAI-001-2", 450, 12, 10, "Kreminė", "Cream"),
        ),
        image_count=2,
    ),
    DemoProduct(
        community_slug="surviliskis",
        category_slug=ORNAMENTS,
        slug="tapytas-zaisliukas-snaige",
        name_lt="Tapytas žaisliukas „Snaigė“",
        name_en="Hand-painted glass bauble “Snowflake”",
        description_lt=(
            "Pūsto stiklo burbulas (8 cm), ranka tapytas baltais akriliniais dažais: snaigės ir taškelių "
            "juostos. Kiekvienas žaisliukas supakuotas į dėžutę su medžio drožlėmis."
        ),
        description_en=(
            "A blown-glass bauble (8 cm) painted by hand in white acrylic with snowflakes and bands of dots. "
            "Each one is packed in a box with wood shavings."
        ),
        product_type=GLASS,
        safety_notes_lt="",
        safety_notes_en="",
        is_featured=True,
        motif="glass_bauble",
        variants=(
            _variant("SUR-ZAI-002-1", 1200, 7, 40, "Mėlynas", "Blue"),
            _variant("SUR-ZAI-002-2", 1200, 0, 40, "Baltas", "White"),
        ),
        image_count=2,
    ),
    DemoProduct(
        community_slug="surviliskis",
        category_slug=ORNAMENTS,
        slug="medzio-riekele-eglute",
        name_lt="Medžio riekelė „Eglutė“",
        name_en="Wood slice ornament “Fir Tree”",
        description_lt=(
            "Beržo šakos riekelė su žieve: paviršiuje išdeginta eglutė ir snaigės, o žaisliukai nutapyti "
            "akrilu. Skersmuo 8–9 cm, pakabinama ant džiuto virvelės."
        ),
        description_en="",
        product_type=WOOD,
        safety_notes_lt="",
        safety_notes_en="",
        is_featured=False,
        motif="wood_slice",
        variants=(_variant("SUR-ZAI-003-1", 520, 16, 35),),
        image_count=1,
    ),
    # --- Pagiriai -----------------------------------------------------------------------------------------
    DemoProduct(
        community_slug="pagiriai",
        category_slug=CARDS,
        slug="atvirukas-su-dziovintais-ziedais",
        name_lt="Atvirukas su džiovintais žiedais",
        name_en="Card with pressed flowers",
        description_lt=(
            "Vainikas iš vasarą surinktų ir tarp knygos lapų išdžiovintų žiedų, lapelių ir paparčio, "
            "priklijuotas prie rankų darbo popieriaus. A6 formatas, kiekvienas atvirukas – vienetinis."
        ),
        description_en=(
            "A wreath of flowers, leaves and fern gathered in summer and pressed between book pages, mounted "
            "on handmade paper. A6; every card is one of a kind."
        ),
        product_type=PAPER,
        safety_notes_lt="Sudėtyje yra džiovintų augalų.",
        safety_notes_en="Contains dried plants.",
        is_featured=True,
        motif="card_pressed_flowers",
        variants=(
            _variant("PAG-ATV-001-1", 520, 10, 24, "Vienas atvirukas", "Single card"),
            _variant("PAG-ATV-001-2", 1400, 3, 82, "3 atvirukų rinkinys", "Set of three"),
        ),
        image_count=2,
    ),
    DemoProduct(
        community_slug="pagiriai",
        category_slug=CARDS,
        slug="lininis-atvirukas-zalioji-eglute",
        name_lt="Lininis atvirukas „Žalioji eglutė“",
        name_en="Linen card “Green Fir Tree”",
        description_lt=(
            "Eglutė iškirpta iš žalio lino ir prisiūta prie kartono dygsniu, o žaisliukus atstoja spalvotos "
            "sagutės. Atvirukas 10,5 × 14,8 cm su kraftiniu voku."
        ),
        description_en=(
            "A fir tree cut from green linen and stitched onto card, with coloured buttons for baubles. "
            "10.5 × 14.8 cm, with a kraft envelope."
        ),
        product_type=PAPER,
        safety_notes_lt="",
        safety_notes_en="",
        is_featured=False,
        motif="card_fir_tree",
        variants=(_variant("PAG-ATV-002-1", 480, 14, 28),),
        image_count=1,
    ),
    DemoProduct(
        community_slug="pagiriai",
        category_slug=CARDS,
        slug="atvirukas-betliejaus-zvaigzde",
        name_lt="Atvirukas „Betliejaus žvaigždė“",
        name_en="Card “Star of Bethlehem”",
        description_lt=(
            "Žvaigždė iš šviesių popieriaus juostelių ant bordo spalvos kartono, aplink – taškelių ratas. "
            "A6 formato atvirukas su voku."
        ),
        description_en=(
            "A star of pale paper strips on burgundy card, ringed with little dots. A6 card with an envelope."
        ),
        product_type=PAPER,
        safety_notes_lt="",
        safety_notes_en="",
        is_featured=False,
        motif="card_star",
        variants=(_variant("PAG-ATV-003-1", 360, 0, 20),),
        image_count=1,
    ),
    DemoProduct(
        community_slug="pagiriai",
        category_slug=ENVELOPES,
        slug="vokas-perristas-lininiu-siulu",
        name_lt="Vokas, perrištas lininiu siūlu",
        name_en="Envelope tied with linen thread",
        description_lt=(
            "Kraftinis vokas, perrištas natūralaus lino virvele su kaspinėliu ir kortele, ant kurios "
            "įspausta žvaigždutė. Telpa A6 atvirukas."
        ),
        description_en=(
            "A kraft envelope tied with natural linen twine, a bow and a small tag stamped with a star. "
            "Fits an A6 card."
        ),
        product_type=PAPER,
        safety_notes_lt="",
        safety_notes_en="",
        is_featured=False,
        motif="envelope_twine",
        variants=(
            _variant("PAG-VOK-001-1", 320, 15, 14, "Vienas vokas", "Single envelope"),
            _variant("PAG-VOK-001-2", 1400, 4, 72, "5 vokų rinkinys", "Set of five"),
        ),
        image_count=2,
    ),
    DemoProduct(
        community_slug="pagiriai",
        category_slug=ENVELOPES,
        slug="vokas-su-bordo-vasko-antspaudu",
        name_lt="Vokas su bordo vaško antspaudu",
        name_en="Envelope with a burgundy wax seal",
        description_lt=(
            "Kraftinis C6 vokas, užspaustas bordo spalvos vaško antspaudu su eglutės ženklu. "
            "Antspaudą kiekvienam vokui lieja ir spaudžia bendruomenės pirmininkė."
        ),
        description_en=(
            "A kraft C6 envelope closed with a burgundy wax seal bearing a fir tree. The chair of the "
            "community pours and presses every seal herself."
        ),
        product_type=PAPER,
        safety_notes_lt="",
        safety_notes_en="",
        is_featured=False,
        motif="envelope_wax_seal",
        variants=(_variant("PAG-VOK-002-1", 380, 9, 13),),
        image_count=1,
    ),
    DemoProduct(
        community_slug="pagiriai",
        category_slug=ORNAMENTS,
        slug="linine-sirdele-su-levandomis",
        name_lt="Lininė širdelė su levandomis",
        name_en="Linen heart filled with lavender",
        description_lt=(
            "Širdelė siūta iš dažyto lino, apsiūta dygsniu ir prikimšta levandų iš bendruomenės darželio, "
            "todėl visą žiemą kvepia vasara. Dydis apie 10 × 9 cm."
        ),
        description_en=(
            "A heart sewn from dyed linen, edged with running stitches and filled with lavender from the "
            "community garden, so it smells of summer all winter. About 10 × 9 cm."
        ),
        product_type=FILLED,
        safety_notes_lt=(
            "Užpildyta džiovintomis levandomis. Dekoracija, ne žaislas: netinka vaikams iki 3 metų. "
            "Laikykite sausai, neskalbkite."
        ),
        safety_notes_en=(
            "Filled with dried lavender. A decoration, not a toy: not suitable for children under 3 years. "
            "Keep dry."
        ),
        is_featured=False,
        motif="felt_heart",
        variants=(_variant("PAG-ZAI-001-1", 700, 18, 20),),
        image_count=1,
    ),
    DemoProduct(
        community_slug="pagiriai",
        category_slug=ORNAMENTS,
        slug="siaudinukas-saulute",
        name_lt="Šiaudinukas „Saulutė“",
        name_en="Straw ornament “Little Sun”",
        description_lt=(
            "Nedidelis šiaudinukas-saulutė iš kviečių šiaudų, surištas bordo siūlu. "
            "Skersmuo apie 12 cm; gražiai atrodo ir eglutėje, ir lange."
        ),
        description_en=(
            "A small sun of wheat straw tied with burgundy thread. About 12 cm across; lovely on the tree or "
            "in a window."
        ),
        product_type=STRAW,
        safety_notes_lt="",
        safety_notes_en="",
        is_featured=False,
        motif="straw_star",
        variants=(_variant("PAG-ZAI-002-1", 480, 20, 10),),
        image_count=1,
    ),
    # --- Gudžiūnai ----------------------------------------------------------------------------------------
    DemoProduct(
        community_slug="gudziunai",
        category_slug=CARDS,
        slug="atvirukas-kuciu-vakaras-kaime",
        name_lt="Atvirukas „Kūčių vakaras kaime“",
        name_en="Card “Christmas Eve in the Village”",
        description_lt=(
            "Sniegu apkloti trobos stogai, šviečiantys langai ir kamino dūmai – Kūčių vakaro nuotaika. "
            "Piešinį nutapė bendruomenės dailės būrelio nariai; A6 formato atvirukas su voku."
        ),
        description_en=(
            "Snow-covered roofs, glowing windows and chimney smoke: the mood of Christmas Eve. Drawn in the "
            "community art class; an A6 card with an envelope."
        ),
        product_type=PAPER,
        safety_notes_lt="",
        safety_notes_en="",
        is_featured=False,
        motif="card_village_house",
        variants=(
            _variant("GUD-ATV-001-1", 400, 20, 20, "Vienas atvirukas", "Single card"),
            _variant("GUD-ATV-001-2", 1800, 5, 105, "5 atvirukų rinkinys", "Set of five"),
        ),
        image_count=2,
    ),
    DemoProduct(
        community_slug="gudziunai",
        category_slug=CARDS,
        slug="atvirukas-eglute-su-sagutemis",
        name_lt="Atvirukas „Eglutė su sagutėmis“",
        name_en="Card “Fir Tree with Buttons”",
        description_lt=(
            "Eglutė iš trijų žalio audinio pakopų, papuošta sagutėmis ir auksine žvaigžde, o kraštai apsiūti "
            "raudonu dygsniu. Atvirukas 10,5 × 14,8 cm su voku."
        ),
        description_en=(
            "A fir tree of three tiers of green fabric decorated with buttons and a golden star, the edges "
            "stitched in red. 10.5 × 14.8 cm, with an envelope."
        ),
        product_type=PAPER,
        safety_notes_lt="",
        safety_notes_en="",
        is_featured=False,
        motif="card_fir_tree",
        variants=(_variant("GUD-ATV-002-1", 450, 13, 29),),
        image_count=1,
    ),
    DemoProduct(
        community_slug="gudziunai",
        category_slug=CARDS,
        slug="atvirukas-sniegenu-rytas",
        name_lt="Atvirukas „Sniegenų rytas“",
        name_en="Card “Bullfinch Morning”",
        description_lt=(
            "Raudonkrūtė sniegena tupi ant šermukšnio šakos, aplink sninga. Piešinys atspaustas ant "
            "matinio kartono, A6 formato atvirukas su kraftiniu voku."
        ),
        description_en="",
        product_type=PAPER,
        safety_notes_lt="",
        safety_notes_en="",
        is_featured=False,
        motif="card_bullfinch",
        variants=(_variant("GUD-ATV-003-1", 380, 7, 19),),
        image_count=1,
    ),
    DemoProduct(
        community_slug="gudziunai",
        category_slug=ENVELOPES,
        slug="kraftinis-vokas-su-egles-sakele",
        name_lt="Kraftinis vokas su eglės šakele",
        name_en="Kraft envelope with a fir sprig",
        description_lt=(
            "Storo kraftinio popieriaus vokas, perrištas džiuto virvele, po kuria pakišta eglės šakelė ir "
            "kortelė su žvaigždute. C6 formatas."
        ),
        description_en=(
            "An envelope of heavy kraft paper tied with jute twine, a fir sprig tucked under it and a tag "
            "with a star. C6 size."
        ),
        product_type=PAPER,
        safety_notes_lt="",
        safety_notes_en="",
        is_featured=False,
        motif="envelope_twine",
        variants=(_variant("GUD-VOK-001-1", 260, 40, 11),),
        image_count=1,
    ),
    DemoProduct(
        community_slug="gudziunai",
        category_slug=ORNAMENTS,
        slug="medinis-angelas-su-isdegintu-rastu",
        name_lt="Medinis angelas su išdegintu raštu",
        name_en="Wooden angel with a wood-burned pattern",
        description_lt=(
            "Angelas išpjautas iš beržo faneros, sparnų plunksnos ir veidas išdeginti, o sijonėlio juosta "
            "nutapyta akrilu. Pjauna ir šlifuoja Gudžiūnų drožėjai, tapo jų žmonos."
        ),
        description_en=(
            "An angel cut from birch plywood, with wood-burned feathers and face and an acrylic-painted hem. "
            "Cut and sanded by the Gudžiūnai woodcarvers, painted by their wives."
        ),
        product_type=WOOD,
        safety_notes_lt="",
        safety_notes_en="",
        is_featured=True,
        motif="wooden_angel",
        variants=(
            _variant("GUD-ZAI-001-1", 750, 12, 20, "Mažas (8 cm)", "Small (8 cm)"),
            _variant("GUD-ZAI-001-2", 1300, 4, 55, "Didelis (14 cm)", "Large (14 cm)"),
        ),
        image_count=2,
    ),
    DemoProduct(
        community_slug="gudziunai",
        category_slug=ORNAMENTS,
        slug="didysis-siaudinis-sodas",
        name_lt="Didysis šiaudinis sodas",
        name_en="Large straw “sodas” ornament",
        description_lt=(
            "Didelis tradicinis sodas iš rugių šiaudelių su keturiais kabančiais sodeliais ir raudonais "
            "kutais. Aukštis apie 40 cm; kiekvienas veriamas pagal užsakymą, todėl jo tenka palaukti apie "
            "dvi savaites."
        ),
        description_en=(
            "A large traditional “sodas” of rye straws with four hanging small ones and red tassels. "
            "About 40 cm tall; each is threaded to order and takes about two weeks."
        ),
        product_type=STRAW,
        safety_notes_lt="",
        safety_notes_en="",
        is_featured=False,
        motif="straw_sodas",
        variants=(_variant("GUD-ZAI-002-1", 1800, 0, 90, lead_days=14),),
        image_count=2,
    ),
    DemoProduct(
        community_slug="gudziunai",
        category_slug=ORNAMENTS,
        slug="stiklinis-burbulas-zalia-giria",
        name_lt="Stiklinis burbulas „Žalia giria“",
        name_en="Glass bauble “Green Forest”",
        description_lt=(
            "Žalias stiklinis burbulas su ranka tapytomis baltomis eglutėmis ir taškelių juostomis. "
            "Skersmuo 8 cm, kabinamas ant raudono kaspino."
        ),
        description_en=(
            "A green glass bauble hand-painted with white fir trees and bands of dots. 8 cm across, on a red "
            "ribbon."
        ),
        product_type=GLASS,
        safety_notes_lt="",
        safety_notes_en="",
        is_featured=False,
        motif="glass_bauble",
        variants=(_variant("GUD-ZAI-003-1", 980, 9, 38),),
        image_count=1,
    ),
    # --- Josvainiai ---------------------------------------------------------------------------------------
    DemoProduct(
        community_slug="josvainiai",
        category_slug=CARDS,
        slug="siuvinetas-atvirukas-zvaigzdeta-eglute",
        name_lt="Siuvinėtas atvirukas „Žvaigždėta eglutė“",
        name_en="Cross-stitched card “Starry Fir Tree”",
        description_lt=(
            "Eglutė su auksine žvaigžde išsiuvinėta kryželiu ant lino, o viršuje ir apačioje – rombelių "
            "juostos pagal senas Josvainių krašto juostas. Atvirukas 12 × 17 cm su voku."
        ),
        description_en=(
            "A fir tree with a golden star cross-stitched on linen, between borders of little diamonds taken "
            "from old Josvainiai sashes. 12 × 17 cm, with an envelope."
        ),
        product_type=PAPER,
        safety_notes_lt="",
        safety_notes_en="",
        is_featured=False,
        motif="card_cross_stitch",
        variants=(
            _variant("JOS-ATV-001-1", 560, 6, 30, "Vienas atvirukas", "Single card"),
            _variant("JOS-ATV-001-2", 1550, 0, 92, "3 atvirukų rinkinys", "Set of three"),
        ),
        image_count=1,
    ),
    DemoProduct(
        community_slug="josvainiai",
        category_slug=CARDS,
        slug="atvirukas-pirmasis-sniegas",
        name_lt="Atvirukas „Pirmasis sniegas“",
        name_en="Card “First Snow”",
        description_lt=(
            "Ant violetinio kartono baltu guašu pieštos snaigės krenta ant sniego kalnelio. "
            "A6 formato atvirukas su baltu voku."
        ),
        description_en=(
            "Snowflakes in white gouache falling over a snowy hill on violet card. A6, with a white envelope."
        ),
        product_type=PAPER,
        safety_notes_lt="",
        safety_notes_en="",
        is_featured=False,
        motif="card_snowflakes",
        variants=(_variant("JOS-ATV-002-1", 320, 30, 18),),
        image_count=1,
    ),
    DemoProduct(
        community_slug="josvainiai",
        category_slug=CARDS,
        slug="atvirukas-vainikas-is-popieriaus-juosteliu",
        name_lt="Atvirukas „Vainikas iš popieriaus juostelių“",
        name_en="Card “Paper-Strip Wreath”",
        description_lt=(
            "Quilling technika susuktas vainikas iš žalių ir violetinių popieriaus juostelių su kaspinu. "
            "Atvirukas A6 formato, su voku ir apsauginiu maišeliu."
        ),
        description_en=(
            "A quilled wreath of green and violet paper strips with a bow. A6 card with an envelope and a "
            "protective sleeve."
        ),
        product_type=PAPER,
        safety_notes_lt="",
        safety_notes_en="",
        is_featured=False,
        motif="card_quilling_wreath",
        variants=(_variant("JOS-ATV-003-1", 460, 8, 23),),
        image_count=1,
    ),
    DemoProduct(
        community_slug="josvainiai",
        category_slug=ENVELOPES,
        slug="vokai-josvainiu-rastai",
        name_lt="Vokai „Josvainių raštai“",
        name_en="Envelopes “Josvainiai Patterns”",
        description_lt=(
            "Vokai su violetiniu įklotu, kuriame atspausti smulkūs eglučių raštai. "
            "C6 formatas; rinkinyje – dešimt vokų, surištų lininiu kaspinu."
        ),
        description_en=(
            "Envelopes with a violet liner printed with tiny fir-tree patterns. C6 size; the set holds ten "
            "envelopes tied with a linen ribbon."
        ),
        product_type=PAPER,
        safety_notes_lt="",
        safety_notes_en="",
        is_featured=False,
        motif="envelope_lined",
        variants=(
            _variant("JOS-VOK-001-1", 240, 25, 9, "Vienas vokas", "Single envelope"),
            _variant("JOS-VOK-001-2", 2000, 3, 95, "10 vokų rinkinys", "Set of ten"),
        ),
        image_count=2,
    ),
    DemoProduct(
        community_slug="josvainiai",
        category_slug=ORNAMENTS,
        slug="veltinio-sirdele-snaige",
        name_lt="Veltinio širdelė „Snaigė“",
        name_en="Felted heart “Snowflake”",
        description_lt=(
            "Violetinė širdelė, šlapiuoju būdu suvelta iš merino vilnos, su išsiuvinėta snaige. "
            "Minkšta ir lengva, dydis apie 9 × 8 cm."
        ),
        description_en=(
            "A violet heart wet-felted from merino wool, with an embroidered snowflake. Soft and light, "
            "about 9 × 8 cm."
        ),
        product_type=SMALL_PARTS,
        safety_notes_lt="",
        safety_notes_en="",
        is_featured=False,
        motif="felt_heart",
        variants=(_variant("JOS-ZAI-001-1", 520, 0, 16),),
        image_count=1,
    ),
    DemoProduct(
        community_slug="josvainiai",
        category_slug=ORNAMENTS,
        slug="nerti-zaisliukai-snaiges",
        name_lt="Nerti žaisliukai „Snaigės“",
        name_en="Crocheted ornaments “Snowflakes”",
        description_lt=(
            "Nertų medvilninių snaigių rinkinys: kiekviena snaigė vis kitokio rašto. Snaigės sustandintos "
            "krakmolu ir supakuotos į lininį maišelį – puiki dovana."
        ),
        description_en=(
            "A set of crocheted cotton snowflakes, each with its own pattern, stiffened with starch and "
            "packed in a linen pouch – a lovely gift."
        ),
        product_type=TEXTILE,
        safety_notes_lt="",
        safety_notes_en="",
        is_featured=True,
        motif="crochet_snowflake",
        variants=(
            _variant("JOS-ZAI-002-1", 1100, 6, 30, "3 snaigių rinkinys", "Set of three"),
            _variant("JOS-ZAI-002-2", 1800, 2, 55, "6 snaigių rinkinys", "Set of six"),
        ),
        image_count=1,
    ),
    DemoProduct(
        community_slug="josvainiai",
        category_slug=ORNAMENTS,
        slug="angeliukas-is-berzo-faneros",
        name_lt="Angeliukas iš beržo faneros",
        name_en="Little birch-plywood angel",
        description_lt=(
            "Nedidelis angeliukas iš beržo faneros su išdegintais sparnais ir garstyčių spalvos juosta. "
            "Gaminamas pagal užsakymą; ant nugarėlės galima išdeginti vardą."
        ),
        description_en=(
            "A small birch-plywood angel with wood-burned wings and a mustard hem. Made to order; a name can "
            "be burned on the back."
        ),
        product_type=WOOD,
        safety_notes_lt="",
        safety_notes_en="",
        is_featured=False,
        motif="wooden_angel",
        variants=(_variant("JOS-ZAI-003-1", 850, 0, 25, lead_days=5),),
        image_count=1,
    ),
    # --- Krakės -------------------------------------------------------------------------------------------
    DemoProduct(
        community_slug="krakes",
        category_slug=CARDS,
        slug="quilling-atvirukas-zalias-vainikas",
        name_lt="Quilling atvirukas „Žalias vainikas“",
        name_en="Quilled card “Green Wreath”",
        description_lt=(
            "Sodrus vainikas iš žalių popieriaus spiralių ir lapelių su terakotos spalvos uogomis ir "
            "kaspinu. A6 formato atvirukas su voku."
        ),
        description_en=(
            "A lush wreath of green paper coils and leaves with terracotta berries and a bow. A6 card with "
            "an envelope."
        ),
        product_type=PAPER,
        safety_notes_lt="",
        safety_notes_en="",
        is_featured=False,
        motif="card_quilling_wreath",
        variants=(_variant("KRA-ATV-001-1", 500, 10, 22),),
        image_count=1,
    ),
    DemoProduct(
        community_slug="krakes",
        category_slug=CARDS,
        slug="atvirukas-vasaros-ziedai-ziemai",
        name_lt="Atvirukas „Vasaros žiedai žiemai“",
        name_en="Card “Summer Flowers for Winter”",
        description_lt=(
            "Džiovintos ramunės, dobilai ir paparčio lapeliai sudėlioti į vainiką ant rankų darbo "
            "popieriaus. Kiekvienas atvirukas vienetinis, A6 formato, su voku."
        ),
        description_en=(
            "Pressed chamomile, clover and fern arranged in a wreath on handmade paper. Every card is "
            "unique; A6, with an envelope."
        ),
        product_type=PAPER,
        safety_notes_lt="Sudėtyje yra džiovintų augalų.",
        safety_notes_en="Contains dried plants.",
        is_featured=False,
        motif="card_pressed_flowers",
        variants=(
            _variant("KRA-ATV-002-1", 540, 8, 24, "Vienas atvirukas", "Single card"),
            _variant("KRA-ATV-002-2", 1500, 3, 84, "3 atvirukų rinkinys", "Set of three"),
        ),
        image_count=1,
    ),
    DemoProduct(
        community_slug="krakes",
        category_slug=CARDS,
        slug="atvirukas-kaledu-zvaigzde",
        name_lt="Atvirukas „Kalėdų žvaigždė“",
        name_en="Card “Christmas Star”",
        description_lt=(
            "Šviesi aštuonkampė žvaigždė ant žalsvai mėlyno kartono, aplink – žvaigždutės ir taškeliai. "
            "Paprastas ir elegantiškas A6 atvirukas su voku."
        ),
        description_en=(
            "A pale eight-pointed star on teal card, surrounded by little stars and dots. A simple, elegant "
            "A6 card with an envelope."
        ),
        product_type=PAPER,
        safety_notes_lt="",
        safety_notes_en="",
        is_featured=False,
        motif="card_star",
        variants=(_variant("KRA-ATV-003-1", 300, 35, 18),),
        image_count=1,
    ),
    DemoProduct(
        community_slug="krakes",
        category_slug=ENVELOPES,
        slug="vokas-su-vasko-antspaudu-krakiu-eglute",
        name_lt="Vokas su vaško antspaudu „Krakių eglutė“",
        name_en="Envelope with a wax seal “Krakės Fir Tree”",
        description_lt=(
            "Kraftinis C6 vokas, užspaustas vaško antspaudu su eglutės ženklu, po kuriuo – eglės šakelė. "
            "Antspaudo spalvą galima pasirinkti."
        ),
        description_en=(
            "A kraft C6 envelope closed with a wax seal bearing a fir tree, over a fir sprig. Choose the "
            "colour of the seal."
        ),
        product_type=PAPER,
        safety_notes_lt="",
        safety_notes_en="",
        is_featured=False,
        motif="envelope_wax_seal",
        variants=(
            _variant("KRA-VOK-001-1", 340, 18, 13, "Žalsvai mėlynas antspaudas", "Teal seal"),
            _variant("KRA-VOK-001-2", 340, 10, 13, "Terakotinis antspaudas", "Terracotta seal"),
        ),
        image_count=2,
    ),
    DemoProduct(
        community_slug="krakes",
        category_slug=ORNAMENTS,
        slug="tapytas-burbulas-ziemos-pasaka",
        name_lt="Tapytas burbulas „Žiemos pasaka“",
        name_en="Painted bauble “Winter Tale”",
        description_lt=(
            "Didelis (10 cm) pūsto stiklo burbulas, Krakių dirbtuvėje ranka tapytas žvaigždėmis ir "
            "taškeliais. Kiekvienas žaisliukas pasirašytas ir supakuotas į dovanų dėžutę."
        ),
        description_en=(
            "A large (10 cm) blown-glass bauble painted by hand in the Krakės workshop with stars and dots. "
            "Each ornament is signed and packed in a gift box."
        ),
        product_type=GLASS,
        safety_notes_lt="",
        safety_notes_en="",
        is_featured=True,
        motif="glass_bauble",
        variants=(_variant("KRA-ZAI-001-1", 1450, 6, 42),),
        image_count=2,
    ),
    DemoProduct(
        community_slug="krakes",
        category_slug=ORNAMENTS,
        slug="isdeginta-medzio-riekele-kaledu-eglute",
        name_lt="Išdeginta medžio riekelė „Kalėdų eglutė“",
        name_en="Wood-burned slice “Christmas Tree”",
        description_lt=(
            "Beržo riekelė, kurioje išdeginta eglutė su žvaigžde ir nutapyti terakotos spalvos žaisliukai. "
            "Paviršius padengtas bičių vašku."
        ),
        description_en=(
            "A birch slice with a wood-burned fir tree and star and terracotta baubles painted on. "
            "Finished with beeswax."
        ),
        product_type=WOOD,
        safety_notes_lt="",
        safety_notes_en="",
        is_featured=False,
        motif="wood_slice",
        variants=(
            _variant("KRA-ZAI-002-1", 480, 20, 30, "Maža (8 cm)", "Small (8 cm)"),
            _variant("KRA-ZAI-002-2", 720, 8, 60, "Didelė (12 cm)", "Large (12 cm)"),
        ),
        image_count=1,
    ),
    DemoProduct(
        community_slug="krakes",
        category_slug=ORNAMENTS,
        slug="siaudine-zvaigzdute-su-spalvotu-siulu",
        name_lt="Šiaudinė žvaigždutė su spalvotu siūlu",
        name_en="Straw star with coloured thread",
        description_lt=(
            "Šiaudinė žvaigždutė iš rugių šiaudų, surišta žalsvai mėlynu siūlu. "
            "Skersmuo apie 12 cm; kiekviena pinama rankomis Krakių bendruomenės namuose."
        ),
        description_en=(
            "A little star of rye straw bound with teal thread. About 12 cm across; each is woven by hand at "
            "the Krakės community house."
        ),
        product_type=STRAW,
        safety_notes_lt="",
        safety_notes_en="",
        is_featured=False,
        motif="straw_star",
        variants=(_variant("KRA-ZAI-003-1", 560, 11, 11),),
        image_count=1,
    ),
)


@dataclass(frozen=True)
class DemoLockerList:
    """A carrier's locker list the demo loads, from `shop/demo/lockers/` (its README says what each is)."""

    carrier: str  # a producers.models.DeliveryMethod value
    file_name: str
    listed_on: date  #: the list's date, shown beside the locker picker
    is_sample: bool  #: made-up lockers in the carrier's format, not the carrier's own


LOCKER_LISTS: tuple[DemoLockerList, ...] = (
    # Omniva's real public list as copied on 30 December 2021 (348 Lithuanian lockers).
    DemoLockerList("omniva", "omniva-locations-lt-2021-12.json", date(2021, 12, 30), is_sample=False),
    DemoLockerList("lp_express", "lp-express-terminals-sample.json", date(2026, 12, 5), is_sample=True),
    DemoLockerList("dpd", "dpd-pickup-points-sample.json", date(2026, 12, 5), is_sample=True),
)


@dataclass(frozen=True)
class DemoShipping:
    method: str  # a producers.models.DeliveryMethod value
    fee_cents: int
    pickup_hours_lt: str = ""
    pickup_hours_en: str = ""


_PICKUP = DemoShipping(
    "pickup", 0, "I–V 10–17 val., bendruomenės namuose", "Mon–Fri 10:00–17:00, at the community house"
)
SHIPPING: dict[str, tuple[DemoShipping, ...]] = {
    "slapaberze": (
        _PICKUP,
        DemoShipping("omniva", 299),
        DemoShipping("lp_express", 279),
        DemoShipping("courier", 599),
    ),
    "surviliskis": (_PICKUP, DemoShipping("omniva", 299), DemoShipping("dpd", 349)),
    "pagiriai": (
        _PICKUP,
        DemoShipping("lp_express", 249),
        DemoShipping("omniva", 289),
        DemoShipping("courier", 649),
    ),
    "gudziunai": (_PICKUP, DemoShipping("omniva", 299), DemoShipping("lp_express", 279)),
    "josvainiai": (
        _PICKUP,
        DemoShipping("omniva", 309),
        DemoShipping("dpd", 339),
        DemoShipping("courier", 599),
    ),
    "krakes": (
        _PICKUP,
        DemoShipping("omniva", 299),
        DemoShipping("lp_express", 269),
        DemoShipping("dpd", 349),
    ),
}


@dataclass(frozen=True)
class DemoPriceStory:
    """A variant's past prices and a sale running now, so that the demo shows a reduction with the lowest
    price of the 30 days before it (worked out from the price history like any other)."""

    sku: str
    prices: tuple[tuple[int, int], ...]  #: (days ago, regular price in cents set then), oldest first
    sale_price_cents: int
    sale_began_days_ago: int
    sale_days_left: int  #: the sale's last day is this many days after today


PRICE_STORIES: tuple[DemoPriceStory, ...] = (
    # 6,50 € for weeks, then 5,20 €: the lowest price before the reduction is the regular one.
    DemoPriceStory("SLA-ZAI-001-1", ((45, 650),), 520, 4, 10),
    # 4,80 €, raised to 5,20 € twelve days ago, then 4,40 €: the lowest price before is 4,80 €, not 5,20 €.
    DemoPriceStory("PAG-ATV-001-1", ((50, 480), (12, 520)), 440, 2, 12),
)
