"""The sample network that `make serve` shows: invented co-ops, clients and people.

Every name here is made up (no real co-op is described); the rest is realistic enough to
exercise every page: services in groups with synonyms, technologies, clients in sectors,
sizes from 2 to 40 workers, places in several countries, availability, case studies shared by
co-ops, and people in every role. Generation is deterministic (a fixed seed), so screenshots
and tests see the same network each time.
"""

import datetime
import random

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from coopnet.accounts.models import Membership, User
from coopnet.directory.models import (
    CaseStudy,
    Client,
    Coop,
    Sector,
    Service,
    ServiceGroup,
    Technology,
)
from coopnet.network.models import NetworkSettings

SAMPLE_PASSWORD = "coopnet-sample-2026"

SERVICE_GROUPS: dict[str, list[tuple[str, str]]] = {
    "Design": [
        ("User research", "usability testing, interviews, discovery"),
        ("User experience design", "UX, wireframes, prototyping"),
        ("Branding and identity", "logo, visual identity, brand"),
        ("Graphic design", "print, illustration, posters"),
        ("Accessibility audits", "WCAG, inclusive design, a11y"),
    ],
    "Build": [
        ("Web development", "websites, web site, donation site, CMS sites"),
        ("Web applications", "web apps, portals, platforms"),
        ("Mobile apps", "iOS, Android, app development"),
        ("E-commerce", "online shop, web shop, payments"),
        ("Data engineering", "data pipelines, ETL, databases"),
        ("Open data", "linked data, data publishing, transparency"),
        ("Machine learning", "AI, predictive models, NLP"),
        ("Games and interactive", "game design, serious games"),
    ],
    "Run": [
        ("Hosting", "servers, managed hosting, look after our servers"),
        ("System administration", "sysadmin, devops, infrastructure, servers"),
        ("Email and collaboration", "email hosting, Nextcloud, shared files"),
        ("Security reviews", "penetration testing, security audit, GDPR security"),
        ("Support and maintenance", "support contract, updates, bug fixes"),
        ("IT support", "office IT, laptops, helpdesk"),
    ],
    "Advise": [
        ("Digital strategy", "strategy, roadmap, digital transformation"),
        ("Training", "workshops, teaching, courses"),
        ("Data protection", "GDPR, privacy, data protection officer"),
        ("Co-op development", "co-operative advice, governance, conversion to co-op"),
        ("Research and evaluation", "impact evaluation, social research"),
    ],
    "Communicate": [
        ("Video and animation", "film, motion graphics, explainer video"),
        ("Content and copywriting", "content strategy, writing, editing"),
        ("Digital marketing", "SEO, social media, campaigns"),
        ("Data visualisation", "charts, maps, dashboards, infographics"),
    ],
}

TECHNOLOGIES = (
    "Drupal|WordPress|Django|Python|PHP|Laravel|Ruby on Rails|JavaScript|TypeScript|React|Vue.js|"
    "Svelte|Node.js|Elixir|Phoenix|Go|Rust|PostgreSQL|MySQL|SQLite|Redis|Elasticsearch|Linux|"
    "Debian|Docker|Kubernetes|Ansible|Nextcloud|Matrix|Mastodon|Discourse|CiviCRM|Moodle|QGIS|"
    "OpenStreetMap|D3.js|Flutter|Kotlin|Swift|Figma|Blender|Unity|Matomo|Grafana|Terraform"
).split("|")

SECTORS = [
    ("charity", "Charities and non-profits"),
    ("local-government", "Local government"),
    ("central-government", "Central government"),
    ("education", "Education"),
    ("health", "Health and social care"),
    ("housing", "Housing"),
    ("arts-culture", "Arts and culture"),
    ("environment", "Environment"),
    ("cooperative", "Co-operatives and social economy"),
    ("trade-union", "Trade unions"),
    ("media", "Media and publishing"),
    ("business", "Business"),
    ("digital", "Digital, media and communication"),
]

CLIENTS = [
    ("Northfield City Council", "local-government"),
    ("Eastmoor County Council", "local-government"),
    ("Riverside Housing Association", "housing"),
    ("University of Eastmoor", "education"),
    ("Harbourside College", "education"),
    ("Friends of the Wetlands", "environment"),
    ("Open Hands Food Bank", "charity"),
    ("Refuge Lines", "charity"),
    ("Children's Reading Trust", "charity"),
    ("Wellspring Community Health", "health"),
    ("The Kiln Arts Centre", "arts-culture"),
    ("Valley Folk Festival", "arts-culture"),
    ("Teachers United", "trade-union"),
    ("Greenway Energy Co-operative", "cooperative"),
    ("Millbrook Wholefoods Co-op", "cooperative"),
    ("Department for Open Services", "central-government"),
    ("Weekly Tidings", "media"),
    ("Coastal Wildlife Trust", "environment"),
    ("Hillside Hospice", "health"),
    ("Meadow Lane Primary School", "education"),
    ("Cycle Workshop Network", "charity"),
    ("Union of Care Workers", "trade-union"),
    ("Fairweather Outdoor Gear", "business"),
    ("Lantern Publishing", "media"),
]

PLACES = [
    ("Sheffield", "South Yorkshire", "GB", 53.3811, -1.4701),
    ("Manchester", "Greater Manchester", "GB", 53.4808, -2.2426),
    ("Bristol", "South West England", "GB", 51.4545, -2.5879),
    ("Leeds", "West Yorkshire", "GB", 53.8008, -1.5491),
    ("Glasgow", "Scotland", "GB", 55.8642, -4.2518),
    ("Edinburgh", "Scotland", "GB", 55.9533, -3.1883),
    ("Cardiff", "Wales", "GB", 51.4816, -3.1791),
    ("London", "Greater London", "GB", 51.5072, -0.1276),
    ("Oxford", "Oxfordshire", "GB", 51.7520, -1.2577),
    ("Brighton", "East Sussex", "GB", 50.8225, -0.1372),
    ("Norwich", "Norfolk", "GB", 52.6309, 1.2974),
    ("Newcastle upon Tyne", "Tyne and Wear", "GB", 54.9783, -1.6178),
    ("Belfast", "Northern Ireland", "GB", 54.5973, -5.9301),
    ("Dublin", "Leinster", "IE", 53.3498, -6.2603),
    ("Barcelona", "Catalonia", "ES", 41.3874, 2.1686),
    ("Berlin", "Berlin", "DE", 52.5200, 13.4050),
    ("Lyon", "Auvergne-Rhône-Alpes", "FR", 45.7640, 4.8357),
    ("Amsterdam", "North Holland", "NL", 52.3676, 4.9041),
    ("Philadelphia", "Pennsylvania", "US", 39.9526, -75.1652),
    ("Oakland", "California", "US", 37.8044, -122.2712),
    ("Montreal", "Quebec", "CA", 45.5019, -73.5674),
    ("Buenos Aires", "Buenos Aires", "AR", -34.6037, -58.3816),
]

# Invented names: none is the name of a real co-operative we know of.
COOP_NAMES = [
    "Bramble Digital",
    "Kestrel Code Co-op",
    "Larchwood Studio",
    "Millrace Systems",
    "Otterbank Web Workers",
    "Saltmarsh Data",
    "Thistledown Design Co-operative",
    "Wrenfield Technology",
    "Yarrow Labs",
    "Hazelnut Hosting",
    "Fieldfare Research",
    "Greylag Media",
    "Heronsgate Collective",
    "Ironweed Software",
    "Juniper Commons",
    "Kingfisher Interactive",
    "Lapwing Learning",
    "Marram Digital",
    "Nettlebed Networks",
    "Oxbow Analytics",
    "Pennywort Press & Pixels",
    "Quillwort Consulting",
    "Rowan Circuit",
    "Sorrel Systems",
    "Teasel & Thread",
    "Umber Engineering Co-op",
    "Vetch Cloud",
    "Willowherb Web",
    "Cinder Path Games",
    "Blackthorn Security Co-op",
    "Alder Apps",
    "Burdock Workers' Tech",
    "Coltsfoot Collective",
    "Dunlin Digital",
    "Eider Infrastructure",
    "Foxglove Film Co-op",
    "Gorse Open Data",
    "Hawthorn Helpdesk",
    "Ivy Bridge Analytics",
    "Knapweed Studio",
]

DESCRIPTIONS = [
    "We are a worker co-operative of {n} people who {verb} for {audience}. "
    "Every worker is an owner, and we take decisions together.",
    "{name} {verb} for {audience}. We have been owned and run by the people who work here "
    "since {year}, and we put accessibility and open source first.",
    "A small, friendly team: we {verb} for {audience}, and we stay with our clients for the "
    "long run with support and hosting.",
]
VERBS = [
    "design and build websites",
    "build web applications and data tools",
    "look after servers and hosting",
    "run user research and design services",
    "make films and animations",
    "help organisations use data well",
    "build mobile apps",
    "teach digital skills",
]
AUDIENCES = [
    "charities and campaigns",
    "councils and public services",
    "universities and researchers",
    "housing associations",
    "other co-operatives",
    "arts organisations",
    "trade unions",
    "small businesses with a social purpose",
]


@transaction.atomic
def load_sample_network(*, seed: int = 2026) -> dict[str, int]:
    """Create the sample network in an empty database; return how many of each were made."""
    rng = random.Random(seed)
    today = timezone.localdate()

    services = []
    for position, (group_name, items) in enumerate(SERVICE_GROUPS.items()):
        group = ServiceGroup.objects.create(
            name=group_name, slug=slugify(group_name), position=position
        )
        for name, synonyms in items:
            services.append(
                Service.objects.create(
                    name=name,
                    slug=slugify(name),
                    group=group,
                    synonyms="\n".join(s.strip() for s in synonyms.split(",")),
                )
            )
    technologies = [
        Technology.objects.create(name=name, slug=slugify(name.replace(".", "-")))
        for name in TECHNOLOGIES
    ]
    sectors = {
        slug: Sector.objects.get_or_create(slug=slug, defaults={"name": name})[0]
        for slug, name in SECTORS
    }
    clients = [
        Client.objects.create(
            name=name,
            slug=slugify(name),
            sector=sectors[sector],
            sector_source=Client.SectorSource.INFERRED,
        )
        for name, sector in CLIENTS
    ]

    coops = []
    statuses = (
        [Coop.Status.MEMBER] * 31
        + [Coop.Status.FORMER] * 4
        + [Coop.Status.OBSERVED] * 3
        + [Coop.Status.APPLICANT] * 2
    )
    for index, name in enumerate(COOP_NAMES):
        status = statuses[index]
        locality, region, country, lat, lon = PLACES[index % len(PLACES)]
        workers = rng.choice([2, 3, 3, 4, 5, 6, 7, 8, 10, 12, 15, 22, 40])
        founded_year = rng.randint(1996, 2023)
        joined = datetime.date(rng.randint(max(founded_year, 2014), 2025), rng.randint(1, 12), 1)
        availability = rng.choice(["open", "open", "limited", "booked"])
        coop_services = rng.sample(services, rng.randint(2, 6))
        coop = Coop.objects.create(
            name=name,
            slug=slugify(name),
            description=rng.choice(DESCRIPTIONS).format(
                n=workers,
                name=name,
                verb=rng.choice(VERBS),
                audience=rng.choice(AUDIENCES),
                year=founded_year,
            )
            + "\n\n**What we care about:** fair work, open standards, and sites anyone can use.",
            website=f"https://{slugify(name)}.example",
            email=f"hello@{slugify(name)}.example",
            phone=f"+44 113 496 {rng.randint(1000, 9999)}" if country == "GB" else "",
            social_links={"mastodon": f"https://social.example/@{slugify(name)}"},
            legal_form=rng.choice(
                ["Co-operative society", "Company limited by guarantee", "Worker co-operative"]
            ),
            registration_number=f"RS{900000 + index}",
            registrar="FCA" if country == "GB" else "",
            founded_on=datetime.date(founded_year, 1, 1),
            founded_precision=Coop.DatePrecision.YEAR,
            joined_on=joined if status != Coop.Status.OBSERVED else None,
            joined_precision=Coop.DatePrecision.DAY,
            left_on=datetime.date(2024, 3, 31) if status == Coop.Status.FORMER else None,
            status=status,
            worker_owners=max(1, workers - rng.randint(0, 2)),
            workers=workers,
            members_main_employment=max(1, workers - rng.randint(0, 3)),
            sector=sectors["digital"],
            locality=locality,
            region=region,
            country=country,
            latitude=lat + rng.uniform(-0.03, 0.03),
            longitude=lon + rng.uniform(-0.03, 0.03),
            languages=["en"] if country in {"GB", "IE", "US"} else ["en", country.lower()],
            day_rate_min=rng.choice([350, 400, 450, 500]),
            day_rate_max=rng.choice([600, 650, 750, 900]),
            day_rate_currency={"GB": "GBP", "US": "USD", "CA": "CAD", "AR": "ARS"}.get(
                country, "EUR"
            ),
            availability=availability,
            booked_until=today + datetime.timedelta(days=rng.randint(20, 120))
            if availability == "booked"
            else None,
            spare_capacity_days=0 if availability == "booked" else rng.randint(2, 30),
            availability_updated_at=timezone.now() - datetime.timedelta(days=rng.randint(0, 80)),
        )
        coop.services.set(coop_services)
        coop.technologies.set(rng.sample(technologies, rng.randint(3, 9)))
        coop.clients.set(rng.sample(clients, rng.randint(1, 6)))
        coops.append(coop)

    members = [c for c in coops if c.status == Coop.Status.MEMBER]
    case_studies = 0
    for index, client in enumerate(clients[:12]):
        team = rng.sample(members, 2 if index % 3 == 0 else 1)
        study = CaseStudy.objects.create(
            title=f"{rng.choice(['New website', 'Data platform', 'Hosting move', 'Member portal', 'Campaign site', 'Research tool'])} for {client.name}",  # noqa: E501
            slug=f"case-{index + 1}-{client.slug}"[:200],
            client=client,
            client_name=client.name,
            summary=(
                f"{' and '.join(c.name for c in team)} worked with {client.name} over "
                f"{rng.randint(2, 9)} months. The work was delivered in the open, tested with "
                "the people who use it, and handed over with training."
            ),
            year=rng.randint(2019, 2026),
        )
        study.coops.set(team)
        for coop in team:
            coop.clients.add(client)
        case_studies += 1

    people = _sample_people(members)
    # Pages that cannot help (a client's dead link, a rate limit) tell people to write here.
    network = NetworkSettings.load()
    if not network.contact_email:
        network.contact_email = "coordinators@sample-network.example"
        network.save(update_fields=["contact_email"])
    return {
        "coops": len(coops),
        "members": len(members),
        "services": len(services),
        "technologies": len(technologies),
        "clients": len(clients),
        "case_studies": case_studies,
        "people": people,
    }


# (username, display name, co-op index among members or None, delegate, profile admin, staff)
SAMPLE_PEOPLE = [
    ("coordinator", "Casey Coordinator", None, False, False, True),
    ("ada", "Ada Okafor", 0, True, True, False),
    ("ben", "Ben Hartley", 0, False, False, False),
    ("chloe", "Chloë Martin", 1, True, True, False),
    ("dev", "Dev Patel", 2, False, True, False),
]


# The last members in the sample have nobody on the platform yet, as co-ops brought in by a
# directory import do: briefs and referrals show what that means.
MEMBERS_NOBODY_JOINED = 3


def _sample_people(members: list[Coop]) -> int:
    # One hash for every sample account: hashing is slow on purpose, and these are all the
    # same published password.
    password = make_password(SAMPLE_PASSWORD)
    named = {coop_index for _username, _name, coop_index, *_roles in SAMPLE_PEOPLE}
    people = SAMPLE_PEOPLE + [
        (coop.slug, f"A worker-owner of {coop.name}", index, True, True, False)
        for index, coop in enumerate(members[:-MEMBERS_NOBODY_JOINED])
        if index not in named
    ]
    for username, display_name, coop_index, delegate, admin, staff in people:
        user = User.objects.create(
            username=username,
            email=f"{username}@sample.coopnet.example",
            password=password,
            display_name=display_name,
            is_staff=staff,
        )
        if coop_index is not None:
            Membership.objects.create(
                user=user, coop=members[coop_index], is_delegate=delegate, is_profile_admin=admin
            )
    return len(people)
