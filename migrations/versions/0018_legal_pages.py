"""Legal pages edited by staff, each change a new version; the version of the terms an order's customer accepted.

The five pages start at version 1 with the texts below (the terms and the privacy notice as the shop's
templates said them until now). The VVG's name, code, address, e-mail and phone are not in the texts: the
pages show them from the operator's row, so changing them needs no new version. The dispute section names
the State Consumer Rights Protection Authority (VVTAT); the EU's ODR platform, closed on 20 July 2025, is
not linked.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 20:40:00

"""

from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


TERMS_LT = """<p>Kaimo mugė – internetinė prekyvietė, kurioje Kėdainių rajono kaimo bendruomenės parduoda savo rankų darbo gaminius. Kiekvieną gaminį parduoda jo puslapyje nurodyta bendruomenė – ji yra jūsų pardavėja ir atsako už gaminį, jo pristatymą ir grąžinimą. Prekyvietę valdo Kėdainių rajono vietos veiklos grupė (VVG), kurios duomenys nurodyti šio puslapio apačioje; ji priima mokėjimus už visas bendruomenes (<a href="/apie-vvg">apie VVG kaip prekyvietės valdytoją</a>).</p>
<h2>Sutarties sudarymas</h2>
<p>Pateikę užsakymą, sudarote pirkimo–pardavimo sutartį su kiekviena bendruomene, kurios gaminius užsakėte. Užsakymo patvirtinimą su šia sąlygų versija gausite el. paštu.</p>
<h2>Kainos ir mokėjimas</h2>
<p>Kainos galutinės, eurais. Bendruomenė, kuri nėra PVM mokėtoja, PVM netaiko. Pristatymas apmokamas už kiekvieną siuntinį pagal užsakant pasirinktą būdą. Visą užsakymą apmokate iš karto; kiekviena bendruomenė išsiunčia savo siuntinį gavusi mokėjimą. Neapmokėtas banko pavedimu užsakymas atšaukiamas pasibaigus nurodytam terminui.</p>
<h2>Pristatymas</h2>
<p>Kiekviena bendruomenė pati supakuoja ir išsiunčia savo siuntinį, todėl užsakymas iš kelių bendruomenių atkeliauja keliais siuntiniais. Kiekvieną jų galite sekti per asmeninę nuorodą užsakymo laiške. Daugiau – <a href="/pristatymas-ir-grazinimas">Pristatymas ir grąžinimas</a>.</p>
<h2>Teisė atsisakyti sutarties: 14 dienų</h2>
<p>Galite atsisakyti pirkimo nenurodydami priežasties iki 14-osios dienos po siuntinio pristatymo pabaigos (dienos skaičiuojamos Lietuvos laiku, pristatymo diena neįskaičiuojama). Paprasčiausia – užsakymo puslapyje prie siuntinio paspausti „Atsisakyti sutarties“; taip pat galite parašyti pardavėjai arba VVG, pavyzdžiui, užpildę <a href="/sutarties-atsisakymo-forma">sutarties atsisakymo formą</a>. Jei siuntinys dar neišsiųstas, tos prekės nebus siunčiamos, o jų kaina grąžinama iš karto. Išsiųstas prekes grąžinkite jas atsiuntusiai bendruomenei per 14 dienų nuo atsisakymo; prekių grąžinimo išlaidas apmokate jūs. Prekių kainą grąžiname per 14 dienų nuo atsisakymo, o pristatymo kainą – kai atsisakote viso siuntinio.</p>
<p>Teisė atsisakyti sutarties netaikoma gaminiams, gaminamiems užsakius, ir personalizuotiems atvirukams – tiems, į kuriuos įrašoma jūsų dovanos žinutė.</p>
<h2>Kokybė</h2>
<p>Jei gaminys turi trūkumų ar neatitinka aprašymo, pardavėja jį pataisys, pakeis arba grąžins pinigus, kaip numato Lietuvos Respublikos civilinis kodeksas. Apie trūkumus praneškite kuo greičiau.</p>
<h2>Skundai ir ginčai</h2>
<p>Rašykite pardavėjui arba parduotuvei (kontaktai – šio puslapio apačioje). Jei nepavyktų susitarti, galite kreiptis į Valstybinę vartotojų teisių apsaugos tarnybą (VVTAT, <a href="https://www.vvtat.lt">www.vvtat.lt</a>), kuri vartotojų ir pardavėjų ginčus nagrinėja ne teismo tvarka ir nemokamai, arba į teismą.</p>"""

TERMS_EN = """<p>Kaimo mugė is an online marketplace where rural communities of the Kėdainiai district sell what they make by hand. Each product is sold by the community named on its page, which is your seller and answers for the product, its delivery and its return. The marketplace is run by the Kėdainiai District Local Action Group (VVG), whose details are at the foot of this page; it takes the payment for all communities (<a href="/apie-vvg">about the VVG as the marketplace's operator</a>).</p>
<h2>The contract</h2>
<p>When you place an order, you make a contract of sale with each community whose products you ordered. You receive the order's confirmation, naming this version of the terms, by e-mail.</p>
<h2>Prices and payment</h2>
<p>Prices are final and in euros. A community that is not a VAT payer charges no VAT. Delivery is charged per parcel, as chosen at checkout. You pay the whole order at once; each community sends its parcel once the payment has arrived. An unpaid bank-transfer order is cancelled after the deadline shown with it.</p>
<h2>Delivery</h2>
<p>Each community packs and sends its own parcel, so an order from several communities arrives in several parcels. You can follow each of them by the private link in your order mail. More in <a href="/pristatymas-ir-grazinimas">Delivery and returns</a>.</p>
<h2>Right of withdrawal: 14 days</h2>
<p>You may withdraw from the purchase, without giving a reason, until the end of the 14th day after a parcel's delivery (days in Lithuanian time, the day of delivery not counted). The simplest way is the button “Withdraw from contract” by the parcel on your order's page; you may also write to the seller or to the VVG, for example with the <a href="/sutarties-atsisakymo-forma">withdrawal form</a>. If the parcel has not been sent yet, those items are not sent and their price is refunded at once. Send items already sent back to the community that sent them within 14 days of withdrawing; the cost of returning them is yours. We refund the items' price within 14 days of the withdrawal, and the delivery fee when you withdraw from the whole parcel.</p>
<p>The right of withdrawal does not apply to items made to order, nor to personalised greeting cards: those with your gift message written into them.</p>
<h2>Quality</h2>
<p>If a product is faulty or not as described, the seller repairs or replaces it or refunds you, as the Civil Code of the Republic of Lithuania provides. Tell us about a fault as soon as you can.</p>
<h2>Complaints and disputes</h2>
<p>Write to the seller or to the shop (the contacts are at the foot of this page). If we cannot agree, you may turn to the State Consumer Rights Protection Authority (Valstybinė vartotojų teisių apsaugos tarnyba, VVTAT, <a href="https://www.vvtat.lt">www.vvtat.lt</a>), which settles disputes between consumers and sellers out of court, free of charge, or to a court.</p>"""

PRIVACY_LT = """<p>Duomenų valdytoja – Kėdainių rajono vietos veiklos grupė (VVG), kurios duomenys nurodyti šio puslapio apačioje.</p>
<p>Jūsų vardą, el. paštą, telefoną ir pristatymo duomenis naudojame tik užsakymui priimti, pristatyti ir įstatymų reikalaujamai apskaitai. Kiekviena bendruomenė mato tik tai, ko reikia jos siuntiniui supakuoti ir išsiųsti. Jūsų duomenų neparduodame ir reklamos nesiunčiame.</p>
<p>Užsakymų duomenys saugomi tiek, kiek reikalauja apskaitos įstatymai. Norėdami susipažinti su savo duomenimis, juos pataisyti ar ištrinti, rašykite VVG el. paštu; taip pat galite kreiptis į Valstybinę duomenų apsaugos inspekciją (<a href="https://vdai.lrv.lt">vdai.lrv.lt</a>).</p>
<p>Parduotuvė naudoja vieną slapuką, reikalingą krepšeliui ir pasirinktai kalbai; jis nieko neseka.</p>"""

PRIVACY_EN = """<p>The data controller is the Kėdainiai District Local Action Group (VVG), whose details are at the foot of this page.</p>
<p>We use your name, e-mail, phone and delivery details only to take your order, to deliver it and to keep the accounts the law requires. Each community sees only what it needs to pack and send its own parcel. We do not sell your data and we send no advertising.</p>
<p>Order records are kept as long as accounting law requires. You may ask to see, correct or erase your data by writing to the VVG's e-mail address; you may also complain to the State Data Protection Inspectorate (<a href="https://vdai.lrv.lt">vdai.lrv.lt</a>).</p>
<p>The shop sets one cookie, needed for the cart and the chosen language; it tracks nothing.</p>"""

DELIVERY_LT = """<p>Kiekviena bendruomenė pati supakuoja ir išsiunčia savo gaminius, todėl užsakymas iš kelių bendruomenių atkeliauja keliais siuntiniais, kiekvienas su savo pristatymo kaina.</p>
<h2>Kaip keliauja siuntinys</h2>
<ul>
<li>Kurjeriu jūsų nurodytu adresu.</li>
<li>Į jūsų pasirinktą paštomatą.</li>
<li>Atsiimant pačioje bendruomenėje, jei ji tai siūlo.</li>
</ul>
<p>Kokius būdus siūlo bendruomenė ir kiek jie kainuoja, matysite užsakydami, prie kiekvieno siuntinio. Bendruomenė siuntinį išsiunčia gavusi mokėjimą; gaminiams, gaminamiems pagal užsakymą, nurodytas jų pagaminimo laikas. Išsiųsto siuntinio sekimo numerį rasite užsakymo puslapyje.</p>
<h2>Sutarties atsisakymas ir grąžinimas</h2>
<p>Galite atsisakyti pirkimo nenurodydami priežasties iki 14-osios dienos po siuntinio pristatymo pabaigos (dienos skaičiuojamos Lietuvos laiku, pristatymo diena neįskaičiuojama). Paprasčiausia – užsakymo puslapyje prie siuntinio paspausti „Atsisakyti sutarties“: pasirenkate prekes, patvirtinate, ir patvirtinimą su atsisakymo data ir laiku iš karto gaunate el. paštu. Taip pat galite pranešti pardavėjai bendruomenei arba VVG bet kokiu aiškiu pareiškimu, pavyzdžiui, <a href="/sutarties-atsisakymo-forma">sutarties atsisakymo forma</a>.</p>
<ul>
<li>Jei siuntinys dar neišsiųstas, tos prekės nebus siunčiamos, o jų kainą grąžiname iš karto.</li>
<li>Išsiųstas prekes grąžinkite jas atsiuntusiai bendruomenei per 14 dienų nuo pranešimo apie atsisakymą.</li>
<li>Prekių grąžinimo siuntimo išlaidas apmokate jūs.</li>
<li>Prekių kainą grąžiname per 14 dienų nuo pranešimo gavimo, tuo pačiu būdu, kuriuo mokėjote; pristatymo kainą – kai atsisakote viso siuntinio. Grąžinti pinigus galime palaukti, kol gausime prekes arba jūs pateiksite jų išsiuntimo įrodymą.</li>
<li>Teisė atsisakyti netaikoma gaminiams, gaminamiems užsakius, ir personalizuotiems atvirukams – tiems, į kuriuos įrašoma jūsų dovanos žinutė.</li>
</ul>
<h2>Pažeistas siuntinys</h2>
<p>Jei siuntinys atkeliavo pažeistas arba jame trūksta prekių, kuo greičiau parašykite pardavėjai bendruomenei arba VVG ir, jei galite, pridėkite nuotrauką.</p>"""

DELIVERY_EN = """<p>Each community packs and sends its own products, so an order from several communities arrives in several parcels, each with its own delivery cost.</p>
<h2>How a parcel travels</h2>
<ul>
<li>By courier to the address you give.</li>
<li>To the parcel locker you choose.</li>
<li>Collected from the community itself, where it offers that.</li>
</ul>
<p>Which ways a community offers and what they cost is shown at checkout, beside each parcel. The community sends its parcel once the payment has arrived; products made to order show how long their making takes. The tracking number of a parcel sent is on the order's page.</p>
<h2>Withdrawal and returns</h2>
<p>You may withdraw from the purchase, without giving a reason, until the end of the 14th day after the parcel's delivery (days in Lithuanian time, the day of delivery not counted). The simplest way is the button “Withdraw from contract” by the parcel on your order's page: you choose the items, confirm, and get the acknowledgement with the date and time of your withdrawal by e-mail at once. You may also tell the selling community or the VVG by any clear statement, for example with the <a href="/sutarties-atsisakymo-forma">withdrawal form</a>.</p>
<ul>
<li>If the parcel has not been sent yet, those items are not sent and we refund their price at once.</li>
<li>Send items already sent back to the community that sent them within 14 days of telling us.</li>
<li>The postage of sending them back is yours.</li>
<li>We refund the items' price within 14 days of receiving your notice, by the means you paid with, and the delivery fee when you withdraw from the whole parcel. We may wait with the refund until the items are back or you show that you have sent them.</li>
<li>The right of withdrawal does not apply to items made to order, nor to personalised greeting cards: those with your gift message written into them.</li>
</ul>
<h2>A damaged parcel</h2>
<p>If a parcel arrives damaged or with something missing, write to the selling community or to the VVG as soon as you can and, if you can, add a photo.</p>"""

WITHDRAWAL_LT = """<p>(užpildykite ir grąžinkite šią formą, tik jei norite atsisakyti sutarties)</p>
<ul>
<li>Kam: pardavėjai bendruomenei (jos pavadinimas, adresas ir el. pašto adresas nurodyti užsakymo laiške ir užsakymo puslapyje) arba Kėdainių rajono vietos veiklos grupei, kuri pranešimą perduos (jos duomenys nurodyti šio puslapio apačioje):</li>
<li>Aš / Mes (*) pranešu (-ame) (*), kad atsisakau (-ome) (*) savo sutarties dėl šių prekių pirkimo (*) / dėl šių paslaugų teikimo (*):</li>
<li>Užsakymo data (*) / gavimo data (*), užsakymo numeris:</li>
<li>Vartotojo (-ų) vardas ir pavardė (-ės):</li>
<li>Vartotojo (-ų) adresas:</li>
<li>Vartotojo (-ų) parašas (tik jei ši forma pateikiama popieriuje):</li>
<li>Data:</li>
</ul>
<p>(*) Nereikalingą išbraukti.</p>"""

WITHDRAWAL_EN = """<p>(complete and return this form only if you wish to withdraw from the contract)</p>
<ul>
<li>To: the selling community (its name, address and e-mail address are in your order mail and on the order's page), or the Kėdainiai District Local Action Group, which passes it on (its details are at the foot of this page):</li>
<li>I/We (*) hereby give notice that I/We (*) withdraw from my/our (*) contract of sale of the following goods (*) / for the provision of the following service (*):</li>
<li>Ordered on (*) / received on (*), order number:</li>
<li>Name of consumer(s):</li>
<li>Address of consumer(s):</li>
<li>Signature of consumer(s) (only if this form is notified on paper):</li>
<li>Date:</li>
</ul>
<p>(*) Delete as appropriate.</p>"""

ABOUT_LT = """<p>Kaimo mugę valdo Kėdainių rajono vietos veiklos grupė (VVG) – ribotos civilinės atsakomybės viešasis juridinis asmuo, asociacija, įsteigta 2004 m. spalio 5 d. pagal Lietuvos Respublikos asociacijų įstatymą. VVG jungia pilietinės visuomenės, verslo ir vietos valdžios atstovus ir remia Kėdainių rajono kaimo bendruomenių iniciatyvas.</p>
<h2>Kas ką daro prekyvietėje</h2>
<ul>
<li><strong>Bendruomenė</strong> yra savo siuntinio gaminių pardavėja: ji gamina, aprašo, supakuoja ir išsiunčia gaminius ir atsako už jų kokybę, pristatymą, grąžinimą ir garantiją. Bendruomenės pavadinimas, kodas, adresas, el. paštas ir telefonas nurodyti kiekvieno gaminio puslapyje ir užsakant.</li>
<li><strong>VVG</strong> valdo prekyvietę: tvarko katalogą ir svetainę, priima mokėjimus bendruomenių vardu, perveda kiekvienai bendruomenei jos dalį, atskaičiusi sutartą komisinį mokestį, ir padeda išspręsti klausimus tarp pirkėjų ir bendruomenių. VVG pati gaminių neparduoda.</li>
</ul>
<h2>Kaip rikiuojami gaminiai</h2>
<p>Kataloge pagal nutylėjimą pirmiau rodomi VVG atrinkti (rekomenduojami) gaminiai, po jų – naujausi. Galite rikiuoti ir pagal kainą ar naujumą. Už vietą kataloge niekas nemoka.</p>
<h2>Susisiekite</h2>
<p>VVG kontaktai nurodyti šio puslapio apačioje. Bendruomenėms, norinčioms prekiauti: <a href="/bendruomenems">kaip pradėti</a>.</p>"""

ABOUT_EN = """<p>Kaimo mugė is run by the Kėdainiai District Local Action Group (Kėdainių rajono vietos veiklos grupė, VVG), a public legal person of limited liability, an association founded on 5 October 2004 under the Law on Associations of the Republic of Lithuania. The VVG brings together civil society, business and local government and supports the initiatives of the Kėdainiai district's rural communities.</p>
<h2>Who does what in the marketplace</h2>
<ul>
<li><strong>A community</strong> is the seller of the products in its parcel: it makes, describes, packs and sends them and answers for their quality, delivery, return and guarantee. Each community's name, code, address, e-mail and telephone are shown on its products' pages and at checkout.</li>
<li><strong>The VVG</strong> runs the marketplace: it keeps the catalogue and the website, takes the payments on the communities' behalf, pays each community its share less the agreed commission and helps settle questions between customers and communities. The VVG does not sell products itself.</li>
</ul>
<h2>How products are ranked</h2>
<p>The catalogue shows the products the VVG recommends first, then the newest. You may also sort by price or by how new they are. Nobody pays for a place in the catalogue.</p>
<h2>Contact</h2>
<p>The VVG's contacts are at the foot of this page. Communities who would like to sell here: <a href="/bendruomenems">how to start</a>.</p>"""

#: kind, title (lt, en), body (lt, en): version 1 of each page
PAGES = [
    ("terms", "Pardavimo sąlygos", "Terms of sale", TERMS_LT, TERMS_EN),
    ("privacy", "Privatumo pranešimas", "Privacy notice", PRIVACY_LT, PRIVACY_EN),
    ("delivery_returns", "Pristatymas ir grąžinimas", "Delivery and returns", DELIVERY_LT, DELIVERY_EN),
    (
        "withdrawal_form",
        "Sutarties atsisakymo pavyzdinė forma",
        "Model withdrawal form",
        WITHDRAWAL_LT,
        WITHDRAWAL_EN,
    ),
    (
        "about_operator",
        "Apie VVG – prekyvietės valdytoją",
        "About the VVG, the marketplace operator",
        ABOUT_LT,
        ABOUT_EN,
    ),
]

KIND = sa.Enum(
    "terms",
    "privacy",
    "delivery_returns",
    "withdrawal_form",
    "about_operator",
    name="legal_page_kind",
    native_enum=False,
    create_constraint=True,
)


def upgrade():
    legal_pages = op.create_table(
        "legal_pages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", KIND, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_pages")),
        sa.UniqueConstraint("kind", name=op.f("uq_legal_pages_kind")),
    )
    versions = op.create_table(
        "legal_page_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title_lt", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=False),
        sa.Column("body_lt", sa.Text(), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=False),
        sa.Column("change_note", sa.String(length=500), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("number >= 1", name=op.f("ck_legal_page_versions_number_positive")),
        sa.ForeignKeyConstraint(
            ["page_id"], ["legal_pages.id"], name=op.f("fk_legal_page_versions_page_id_legal_pages")
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["users.id"],
            name=op.f("fk_legal_page_versions_published_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_page_versions")),
        sa.UniqueConstraint("page_id", "number", name=op.f("uq_legal_page_versions_page_id")),
    )
    op.create_index(op.f("ix_legal_page_versions_page_id"), "legal_page_versions", ["page_id"], unique=False)

    # ALTER TABLE … ADD COLUMN in place, never a batch copy of orders (which parcels, lines and payments
    # point at); SQLite cannot add a constraint to a table, so the key is written into the new column.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE orders ADD COLUMN terms_version_id INTEGER"
            " CONSTRAINT fk_orders_terms_version_id_legal_page_versions REFERENCES legal_page_versions (id)"
        )
    else:
        op.add_column("orders", sa.Column("terms_version_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f("fk_orders_terms_version_id_legal_page_versions"),
            "orders",
            "legal_page_versions",
            ["terms_version_id"],
            ["id"],
        )
    op.create_index(op.f("ix_orders_terms_version_id"), "orders", ["terms_version_id"], unique=False)

    now = datetime.now(timezone.utc)
    connection = op.get_bind()
    for page_id, (kind, title_lt, title_en, body_lt, body_en) in enumerate(PAGES, 1):
        connection.execute(legal_pages.insert().values(id=page_id, kind=kind, created_at=now))
        connection.execute(
            versions.insert().values(
                page_id=page_id,
                number=1,
                title_lt=title_lt,
                title_en=title_en,
                body_lt=body_lt,
                body_en=body_en,
                change_note="",
                published_at=now,
                published_by_id=None,
            )
        )
    if connection.dialect.name == "postgresql":  # ids were given: the sequence starts after them
        connection.execute(
            sa.text(
                "SELECT setval(pg_get_serial_sequence('legal_pages', 'id'), (SELECT max(id) FROM legal_pages))"
            )
        )


def downgrade():
    op.drop_index(op.f("ix_orders_terms_version_id"), table_name="orders")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(
            op.f("fk_orders_terms_version_id_legal_page_versions"), "orders", type_="foreignkey"
        )
    # ALTER TABLE … DROP COLUMN in place (on SQLite the column's key goes with it), never a batch copy.
    op.drop_column("orders", "terms_version_id")
    op.drop_index(op.f("ix_legal_page_versions_page_id"), table_name="legal_page_versions")
    op.drop_table("legal_page_versions")
    op.drop_table("legal_pages")
