"""Demo content: "Innovationsnetz Niedersachsen", a Land-wide catalogue of challenges and initiatives.

Written for the demo (any likeness to real bodies' plans is the likeness of
common problems). Demo accounts act for organisations: Ben for the Stadt Celle,
Cem for the Landkreis Vechta, Anna for "Digitalpaten Niedersachsen", Dora for
"Pflegenetz digital"; the initiator organises. Requests are in every state:
pending, declined (silently), expired, mutual with outcomes, and a proposed
introduction; the current phase collects wish lists for the regional event.
"""
from __future__ import annotations


from core.toolkit import db

from .models import INITIATIVE, PUBLIC_BODY, Challenge, Connection, Field, Initiative, Interest, Introduction, Message, Wish
from .organisations import add_member, find_or_create

FIELDS = ["Digitale Teilhabe", "Pflege & Gesundheit", "Mobilität im ländlichen Raum", "Bildung", "Klimaschutz & Energie",
          "Verwaltung digital", "Engagement & Ehrenamt", "Wirtschaft & Arbeit"]

# name, kind, region, website, contact (name, e-mail, phone), verified, demo user
ORGANISATIONS = [
    ("Stadt Celle – Fachbereich Soziales", PUBLIC_BODY, "03351006", "https://www.celle.example",
     ("Petra Wiegand", "soziales@celle.example", "05141 12-345"), True, "ben"),
    ("Landkreis Vechta – Wirtschaftsförderung", PUBLIC_BODY, "03460", "https://www.landkreis-vechta.example",
     ("Jonas Brinkmann", "wirtschaft@landkreis-vechta.example", "04441 898-0"), True, "cem"),
    ("Stadt Göttingen – Stabsstelle Digitalisierung", PUBLIC_BODY, "03159016", "https://www.goettingen.example",
     ("Dr. Miriam Hoppe", "digital@goettingen.example", "0551 400-2000"), True, None),
    ("Landkreis Cuxhaven – Gesundheitsamt", PUBLIC_BODY, "03352", "https://www.landkreis-cuxhaven.example",
     ("Heike Lührs", "gesundheit@landkreis-cuxhaven.example", "04721 66-0"), True, None),
    ("Gemeinde Rastede", PUBLIC_BODY, "03451007", "https://www.rastede.example",
     ("Tobias Meinen", "rathaus@rastede.example", "04402 920-0"), False, None),
    ("Stadt Köln – Amt für Integration", PUBLIC_BODY, "05315000", "https://www.koeln.example",
     ("Aylin Demir", "integration@koeln.example", "0221 221-0"), True, None),
    ("Digitalpaten Niedersachsen e. V.", INITIATIVE, "03241001", "https://digitalpaten.example",
     ("Anna Kowalski", "kontakt@digitalpaten.example", "0511 7654321"), True, "anna"),
    ("Pflegenetz digital gGmbH", INITIATIVE, "03404000", "https://pflegenetz.example",
     ("Dora Albers", "hallo@pflegenetz.example", "0541 998877"), True, "dora"),
    ("Dorfmobil eG", INITIATIVE, "03355022", "https://dorfmobil.example",
     ("Malte Rieck", "info@dorfmobil.example", "04131 55 66 77"), True, None),
    ("Code for Niedersachsen", INITIATIVE, "03", "https://codefor.example",
     ("Lea Sommer", "team@codefor.example", ""), False, None),
    ("KlimaKita", INITIATIVE, "DE", "https://klimakita.example",
     ("Sven Ohlsen", "post@klimakita.example", "030 1234567"), True, None),
    ("Lernbrücke gUG", INITIATIVE, "03101000", "https://lernbruecke.example",
     ("Fatma Yılmaz", "lernen@lernbruecke.example", "0531 223344"), False, None),
]

# organisation index, title, description, tried, region, status, fields, sdgs, target groups, offers
CHALLENGES = [
    (0, "Wie können wir ältere Offliner in Celle mit digitalen Informationen versorgen?",
     "Rund ein Drittel der über 75-Jährigen in Celle nutzt kein Internet. Termine, Impfangebote und Hilfen der Stadt "
     "erreichen sie nur über Aushänge und die Zeitung. Wir suchen Wege, die ohne eigenes Smartphone funktionieren.",
     "Telefonsprechstunde im Seniorenbüro (gut angenommen, aber personell begrenzt).", "03351006", "open",
     [0, 6], [3, 10], ["seniors"], ["pilot_site", "contacts", "staff_time"]),
    (0, "Wie können wir pflegende Angehörige in Celle besser entlasten?",
     "Viele Angehörige wissen nicht, welche Entlastungsangebote es gibt, und finden freie Plätze in der Tagespflege "
     "nur durch viele Anrufe.", "Broschüre \"Pflege in Celle\" (2022).", "03351006", "talks",
     [1], [3], ["families", "seniors"], ["pilot_site", "data"]),
    (1, "Wie können wir Fachkräfte für kleine Betriebe im Landkreis Vechta gewinnen?",
     "Handwerks- und Landwirtschaftsbetriebe finden kaum Auszubildende. Junge Menschen kennen die Betriebe vor Ort oft nicht.",
     "Ausbildungsmesse, jährlich; wenig Resonanz seit 2020.", "03460", "open",
     [7, 3], [4, 8], ["youth", "businesses"], ["funding", "contacts", "space"]),
    (1, "Wie können wir Dörfer im Landkreis Vechta ohne Bus besser anbinden?",
     "Zwischen 9 und 15 Uhr fährt in vielen Ortschaften kein Bus. Wer kein Auto hat, kommt nicht zum Arzt oder Einkaufen.",
     "", "03460", "piloting", [2], [11, 13], ["rural", "seniors"], ["pilot_site", "funding", "data"]),
    (2, "Wie können wir Verwaltungsleistungen in Göttingen barrierearm digital anbieten?",
     "Unsere Online-Formulare sind für viele Menschen zu kompliziert. Wir wollen mit Nutzerinnen und Nutzern testen.",
     "Nutzertests mit Studierenden der Universität.", "03159016", "open",
     [5, 0], [10, 16], ["disabilities", "administration"], ["pilot_site", "data", "staff_time"]),
    (3, "Wie können wir Hitzeschutz für ältere Menschen an der Küste organisieren?",
     "Hitzewellen treffen allein lebende ältere Menschen besonders. Wir brauchen ein Frühwarn- und Besuchssystem.",
     "Hitzeaktionsplan im Entwurf.", "03352", "open", [1, 4], [3, 13], ["seniors"], ["data", "contacts"]),
    (4, "Wie können wir Ehrenamtliche in Rastede leichter mit Vereinen zusammenbringen?",
     "Vereine suchen Helfende für einzelne Aktionen; Interessierte wollen sich nicht dauerhaft binden.",
     "", "03451007", "open", [6], [17], ["everyone"], ["space", "contacts"]),
    (5, "Wie können wir neu Zugewanderte in Köln schneller zu Sprachkursen lotsen?",
     "Wartelisten, viele Anbieter, wenig Überblick: Wer neu ankommt, verliert Monate.",
     "Übersichtsseite im Stadtportal.", "05315000", "talks", [3, 0], [4, 10], ["migrants"], ["data", "funding"]),
]

# organisation index, name, summary, description, maturity, regions, fields, sdgs, target groups, offers, needs, references, licence
INITIATIVES = [
    (6, "Digitalpaten", "Ehrenamtliche begleiten ältere Menschen zu Hause beim ersten Schritt ins Internet.",
     "Geschulte Ehrenamtliche besuchen Seniorinnen und Senioren, richten Tablets ein und üben den Umgang. "
     "Dazu gibt es eine Telefon-Hotline und Leihgeräte.", "scaling", ["03"], [0, 6], [4, 10], ["seniors"],
     ["training", "volunteers"], ["pilot_site", "funding", "contacts"], "Hannover, Hildesheim, Peine", "Kostenfrei für Teilnehmende"),
    (7, "Pflegeplatz-Radar", "Freie Plätze in Tages- und Kurzzeitpflege tagesaktuell auf einen Blick.",
     "Einrichtungen melden freie Plätze mit zwei Klicks; Angehörige und Beratungsstellen sehen sie auf einer Karte.",
     "pilot", ["03404000", "03459"], [1, 5], [3], ["families", "seniors"], ["software", "service"],
     ["pilot_site", "data"], "Pilot in Osnabrück seit 2024", "Open Source (EUPL), Betrieb als Dienstleistung"),
    (8, "Dorfmobil", "Bürgerbus und Mitfahrbank per App und Telefon buchbar.",
     "Genossenschaftlich organisierte Fahrdienste mit ehrenamtlichen Fahrerinnen und Fahrern, gebucht per App oder Anruf.",
     "transfer", ["03355", "03460", "03352"], [2, 6], [11, 13], ["rural", "seniors"], ["service", "network", "volunteers"],
     ["pilot_site", "funding"], "Lüneburger Heide, 14 Dörfer", "Genossenschaft, Kommune trägt Fahrzeugkosten"),
    (9, "Formular-Check", "Civic-Tech-Team testet Online-Formulare mit echten Nutzerinnen und Nutzern.",
     "Wir bauen verständliche Formularstrecken als Open-Source-Vorlagen und testen sie mit Menschen mit Behinderungen.",
     "prototype", ["03"], [5, 0], [10, 16], ["disabilities", "administration"], ["software", "method"],
     ["pilot_site", "data"], "", "Open Source (MIT)"),
    (10, "KlimaKita", "Kitas werden zu Orten für Klimaschutz und Hitzeschutz im Alltag.",
     "Fortbildungen, Materialkisten und ein Hitzeschutzplan für Kitas.", "scaling", ["DE"], [4, 3], [4, 13],
     ["children", "families"], ["training", "method"], ["funding", "contacts"], "120 Kitas bundesweit", "Förderprojekt"),
    (11, "Lernbrücke", "Sprachlernpatenschaften zwischen Ehrenamtlichen und neu Zugewanderten.",
     "Tandems üben zweimal pro Woche; eine Lotsin vermittelt in passende Kurse.", "pilot", ["03101000"], [3, 6], [4, 10],
     ["migrants"], ["volunteers", "consulting"], ["space", "funding"], "Braunschweig, 80 Tandems", "Spendenfinanziert"),
    (6, "Hitze-Telefonkette", "Ehrenamtliche rufen allein lebende Ältere bei Hitze täglich an.",
     "Eine Telefonkette mit Schulung für Ehrenamtliche, gekoppelt an den Hitzewarndienst.", "idea", ["03"], [1, 6],
     [3, 13], ["seniors"], ["volunteers", "service"], ["data", "contacts"], "", "Kostenfrei"),
    (8, "Azubi-Shuttle", "Mitfahrten zu Ausbildungsbetrieben auf dem Land.", "Ein Shuttle verbindet Berufsschule, "
     "Bahnhof und Betriebe; Betriebe finanzieren gemeinsam.", "prototype", ["03460"], [2, 7], [8], ["youth", "businesses"],
     ["service"], ["funding", "contacts"], "", "Umlage der Betriebe"),
]


def seed(demo) -> None:
    users = demo.users
    project = demo.project(
        "innovationsnetz-niedersachsen",
        "Innovationsnetz Niedersachsen: Kommunen treffen Initiativen",
        "<p>Kommunen beschreiben ihre Herausforderungen, soziale Initiativen zeigen, was sie anbieten. Wer sich "
        "gegenseitig interessiert, wird verbunden und sieht die Kontaktdaten der anderen Seite. Zum Regionaltreffen "
        "Niedersachsen sagen die Kommunen uns, welche Initiativen sie kennenlernen wollen.</p>",
    )
    demo.phase(project, "matchmaking", "Steckbriefe und erstes Interesse", demo.days(-45), demo.days(-12),
               "<p>Kommunen und Initiativen stellen sich vor.</p>", expiry_days=14, max_open_requests=10,
               wishlist=False, wishlist_size=8)
    demo.phase(project, "matchmaking", "Vernetzung und Wunschliste zum Regionaltreffen", demo.days(-12), demo.days(16),
               "<p>Zeigen Sie Interesse, beantworten Sie Anfragen und stellen Sie Ihre Wunschliste für das "
               "Regionaltreffen zusammen.</p>", expiry_days=14, max_open_requests=10, wishlist=True, wishlist_size=8)
    fields = [Field(project_id=project.id, name=name, position=i) for i, name in enumerate(FIELDS)]
    db.session.add_all(fields)
    db.session.flush()

    orgs = []
    for n, (name, kind, region, website, (person, email, phone), verified, user) in enumerate(ORGANISATIONS):
        org, _new = find_or_create(project, name, kind, region=region, website=website, contact_name=person,
                                   contact_email=email, contact_phone=phone, created_at=demo.days(-44 + n),
                                   description=f"{name} macht beim Innovationsnetz Niedersachsen mit.",
                                   verified_at=demo.days(-40) if verified else None)
        if user:
            add_member(org, users[user])
        orgs.append(org)

    challenges = []
    for n, (org, title, text, tried, region, status, f, sdgs, groups, offers) in enumerate(CHALLENGES):
        item = Challenge(project_id=project.id, project=project, organisation=orgs[org], title=title, description=text,
                         tried=tried, region=region, status=status, created_at=demo.days(-42 + n))
        item.fields = [fields[i] for i in f]
        item.sdgs, item.target_groups, item.offers = sdgs, groups, offers
        challenges.append(item)
    initiatives = []
    for n, (org, name, summary, text, maturity, regions_, f, sdgs, groups, offers, needs, refs, licence) in enumerate(INITIATIVES):
        item = Initiative(project_id=project.id, project=project, organisation=orgs[org], name=name, summary=summary,
                          description=text, maturity=maturity, references=refs, licence=licence,
                          created_at=demo.days(-41 + n))
        item.regions = regions_
        item.fields = [fields[i] for i in f]
        item.sdgs, item.target_groups, item.offers, item.needs = sdgs, groups, offers, needs
        initiatives.append(item)
    db.session.add_all(challenges + initiatives)
    db.session.flush()

    def interest(sender, receiver, days_ago, state="pending", challenge=None, initiative=None, message=""):
        row = Interest(project_id=project.id, sender_id=orgs[sender].id, receiver_id=orgs[receiver].id,
                       challenge_id=challenge.id if challenge else None, initiative_id=initiative.id if initiative else None,
                       state=state, message=message, created_at=demo.days(-days_ago),
                       answered_at=demo.days(-days_ago + 2) if state in ("accepted", "declined") else None)
        db.session.add(row)
        return row

    def connect(a, b, days_ago, origin, outcome="", note=""):
        low, high = sorted((orgs[a].id, orgs[b].id))
        row = Connection(project_id=project.id, org_low_id=low, org_high_id=high, origin=origin,
                         created_at=demo.days(-days_ago), outcome=outcome, outcome_note=note,
                         outcome_at=demo.days(-days_ago + 10) if outcome else None)
        db.session.add(row)
        return row

    # Mutual: Celle (Ben) and the Digitalpaten (Anna), a pilot agreed, with messages.
    interest(6, 0, 30, "accepted", challenge=challenges[0], message="Wir begleiten in Hannover schon 400 Seniorinnen und Senioren.")
    celle = connect(0, 6, 28, "answer", "pilot_agreed", "Pilot in zwei Stadtteilen ab Herbst")
    # Mutual by crossing: Vechta and Dorfmobil, adopted.
    interest(1, 8, 25, "accepted", initiative=initiatives[2])
    interest(8, 1, 25, "accepted", challenge=challenges[3])
    connect(1, 8, 25, "crossing", "adopted", "Dorfmobil fährt seit März in vier Ortschaften")
    # Pending, waiting for Ben (Celle): Pflegenetz (Dora) about the carers' challenge.
    interest(7, 0, 3, "pending", challenge=challenges[1], message="Unser Pflegeplatz-Radar passt gut zu Ihrer Herausforderung.")
    # Pending from Ben's Celle to Lernbrücke; declined silently by Göttingen towards Code for Niedersachsen.
    interest(0, 11, 2, "pending", initiative=initiatives[5])
    interest(9, 2, 6, "declined", challenge=challenges[4])
    # Expired: Cuxhaven asked KlimaKita 20 days ago and never heard back.
    interest(3, 10, 20, "pending", initiative=initiatives[4])
    # Anna's Digitalpaten asked Cuxhaven about heat protection: no answer yet.
    interest(6, 3, 4, "pending", challenge=challenges[5])
    # The organisers proposed Göttingen and the Formular-Check team; Göttingen accepted already.
    low, high = sorted((orgs[2].id, orgs[9].id))
    db.session.add(Introduction(project_id=project.id, org_low_id=low, org_high_id=high, note="Sie arbeiten am selben Thema.",
                                proposed_by_id=users["initiator"].id, created_at=demo.days(-5),
                                low_accepted_at=demo.days(-4) if low == orgs[2].id else None,
                                high_accepted_at=demo.days(-4) if high == orgs[2].id else None))
    db.session.flush()
    db.session.add_all([
        Message(connection_id=celle.id, organisation_id=orgs[6].id, author_id=users["anna"].id, created_at=demo.days(-27),
                body="Danke für Ihr Interesse! Wann passt Ihnen ein erstes Telefonat?"),
        Message(connection_id=celle.id, organisation_id=orgs[0].id, author_id=users["ben"].id, created_at=demo.days(-26),
                body="Gern am Donnerstag um 10 Uhr. Frau Wiegand aus dem Seniorenbüro ist dabei."),
    ])
    # Wish lists for the regional event: Vechta has one, Celle (Ben) started one.
    for rank, index in enumerate([2, 7, 0], 1):
        db.session.add(Wish(project_id=project.id, organisation_id=orgs[1].id, initiative_id=initiatives[index].id,
                            rank=rank, created_at=demo.days(-3)))
    db.session.add(Wish(project_id=project.id, organisation_id=orgs[0].id, initiative_id=initiatives[1].id, rank=1,
                        created_at=demo.days(-2)))
    db.session.flush()
