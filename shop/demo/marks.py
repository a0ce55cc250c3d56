"""The demo's community-business mark: the VVG's first criteria, two communities holding the mark
(Šlapaberžė and Pagiriai, whose featured products show the badge on the home page) and Krakės's
application waiting for review with a photo and a PDF attached. Made through the real services; the
evidence is drawn at seed time (`shop.demo.evidence`), never kept in the repository."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from producers.marks import applying, criteria, reviewing
from producers.marks.criteria import CriterionText
from producers.marks.models import CriteriaVersion, MarkApplication
from producers.models import Community
from shop.db import db
from shop.demo.evidence import tiny_pdf, tiny_png
from shop.i18n import vilnius_midnight, vilnius_today
from shop.models import User

CRITERIA = [
    CriterionText(
        "Gaminius kuria bendruomenės nariai savo rankomis, iš vietinių ar perdirbtų medžiagų.",
        "The products are made by hand by the community's members, from local or recycled materials.",
        "Gamybos ar užsiėmimų nuotraukos; medžiagų kilmės aprašymas.",
        "Photos of the making or of the workshops; where the materials come from.",
    ),
    CriterionText(
        "Pajamos iš pardavimų naudojamos bendruomenės veiklai ir jos nariams.",
        "The income from sales serves the community's activities and its members.",
        "Visuotinio susirinkimo ar valdybos sprendimas dėl pajamų naudojimo (PDF).",
        "The general meeting's or board's decision on using the income (PDF).",
    ),
    CriterionText(
        "Veikloje dalyvauja vietos gyventojai: jaunimas, senjorai, šeimos.",
        "Local people take part: young people, seniors, families.",
        "Užsiėmimų dalyvių sąrašas ar renginių aprašymai.",
        "A list of the workshops' participants, or descriptions of events.",
    ),
    CriterionText(
        "Bendruomenė sąžiningai informuoja pirkėjus apie gaminius ir laikosi VVG prekybos taisyklių.",
        "The community informs customers honestly about its products and keeps the VVG's trading rules.",
        "Atsakingo asmens patvirtinimas.",
        "A confirmation by the person responsible.",
    ),
]

#: Who holds the mark (granted this many days ago), and who waits for review.
HOLDERS = (("slapaberze", 120), ("pagiriai", 45))
WAITING = "krakes"


def seed_marks(staff: User) -> int:
    """The mark's demo rows, unless the criteria exist already; how many applications were made."""
    if db.session.scalar(select(func.count(CriteriaVersion.id))):
        return 0
    criteria.save_draft(CRITERIA, by=staff)
    criteria.publish_draft(by=staff)
    made = 0
    today = vilnius_today()
    for slug, days_ago in HOLDERS:
        community = _community(slug)
        if community is None:
            continue
        application = _apply(community, _member(community))
        start = vilnius_midnight(today - timedelta(days=days_ago))
        reviewing.grant(
            application.id,
            valid_from=start,
            valid_until=vilnius_midnight(_two_years(today - timedelta(days=days_ago))),
            by=staff,
        )
        made += 1
    waiting = _community(WAITING)
    if waiting is not None:
        _apply(waiting, _member(waiting))
        made += 1
    return made


def _two_years(day: date) -> date:
    return day.replace(year=day.year + 2, day=min(day.day, 28))


def _community(slug: str) -> Community | None:
    return db.session.scalars(select(Community).where(Community.slug == slug)).first()


def _member(community: Community) -> User:
    return community.memberships[0].user


def _apply(community: Community, member: User) -> MarkApplication:
    application = applying.start_application(community, by=member)
    version = db.session.get_one(CriteriaVersion, application.version_id)
    first, second = version.criteria[0], version.criteria[1]
    answers = {
        first.id: f"{community.name}: žaisliukus ir atvirukus kuriame kas antradienį bendruomenės namuose, "
        "iš savo laukų šiaudų ir perdirbto popieriaus.",
        second.id: "Visuotinis susirinkimas nutarė pajamas skirti vaikų vasaros stovyklai ir namų šildymui.",
    }
    for criterion in version.criteria[2:]:
        answers[criterion.id] = "Taip: užsiėmimuose dalyvauja apie 20 kaimo gyventojų."
    uploads = [
        applying.Upload(
            first.id, "dirbtuves.png", tiny_png(community.name.encode("ascii", "replace").decode())
        ),
        applying.Upload(second.id, "susirinkimo-sprendimas.pdf", tiny_pdf(f"Sprendimas: {community.slug}")),
    ]
    return applying.save_application(community, application.id, answers, uploads, submit=True, by=member)
