"""The concept and synonym table: what a client's words mean in terms of what co-ops offer.

Clients do not write in the directory's taxonomy. "Look after our servers" means hosting and
system administration; "a donation site" means web development for charities. This module is
the one place that knows that:

- `CONCEPTS`: capabilities a brief can need. Each has a stable `key` (stored with teams, see
  `ConsortiumMember.brings`), a `label` a client understands ("hosting"), the `phrases`
  clients and profiles use for it (multi-word phrases welcome), the `services` and
  `technologies` (slugs, in every taxonomy we import: the sample network's and CoTech's) that
  show a co-op has it, and the `kind`: a *service* capability ("hosting") or a *technology*
  one ("Drupal"), where using the technology is the capability.
- `SECTOR_HINTS`: words that say who the client is ("donation", "council", "NHS"), giving a
  sector slug (coopnet/directory/sectors.py) so that matching can favour co-ops that have
  worked for such clients, and the words a reason uses ("Has worked for 3 charities").

Words are compared after `normalise_words`: lower case, accents and punctuation gone, plural
`s` dropped, and filler words ("our", "the") removed, so "look after our servers" and "looks
after the server" read the same. Phrases are matched longest first: "web app" is a web
application, not a mobile app.

How to extend the table is in docs/matching.md; test_concepts.py checks that every phrase is
reachable and every label distinct.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy


@dataclass(frozen=True)
class Concept:
    key: str
    label: Promise | str  # lower case where the language allows: it is used inside sentences
    phrases: tuple[str, ...]
    services: tuple[str, ...] = ()
    technologies: tuple[str, ...] = ()
    kind: str = "service"  # "service" or "technology"
    # Phrases that mean this in a brief but say too little in a co-op's own description
    # ("support", "site"): they never count as evidence that a co-op has the capability.
    brief_only: tuple[str, ...] = field(default=())


SERVICE = "service"
TECHNOLOGY = "technology"

CONCEPTS: tuple[Concept, ...] = (
    # Build
    Concept(
        "web-development",
        _("web development"),
        (
            "website",
            "web site",
            "web development",
            "web developer",
            "donation site",
            "donation page",
            "campaign site",
            "campaign website",
            "microsite",
            "landing page",
            "cms",
            "content management system",
            "rebuild our website",
            "new website",
            "build websites",
            "update it ourselves",
            "edit it ourselves",
            "change themselves",
            "update themselves",
            "easy to update",
            "easy to edit",
            "digital development",
            "development and design",
            "design and development",
            "web services",
            "web agency",
            "digital agency",
            "digital studio",
        ),
        services=("web-development", "development", "web-design", "3d-websites"),
        brief_only=("site", "web page"),
    ),
    Concept(
        "web-applications",
        _("web applications"),
        (
            "web application",
            "web app",
            "webapp",
            "portal",
            "member portal",
            "online platform",
            "booking system",
            "online tool",
            "web platform",
            "bespoke software",
            "custom software",
            "software development",
            "rapid application development",
            "business system",
            "intranet",
            "online form",
            "self service",
            "case management",
            "digital application",
            "digital tool",
        ),
        services=(
            "web-applications",
            "web-apps",
            "development",
            "rapid-application-development",
            "business-systems",
        ),
        brief_only=("platform", "system", "database driven"),
    ),
    Concept(
        "mobile-apps",
        _("mobile apps"),
        (
            "mobile app",
            "mobile application",
            "ios",
            "android",
            "iphone",
            "iphone app",
            "android app",
            "ios app",
            "smartphone app",
            "app development",
            "phone app",
            "flutter",
        ),
        services=("mobile-apps",),
        technologies=("flutter", "kotlin", "swift", "ionic"),
    ),
    Concept(
        # "An app" in a client's words may be a web or a mobile one: either kind of shop can
        # build it. "A mobile app" or "an iPhone app" is mobile-apps.
        "apps",
        _("web or mobile apps"),
        ("app", "apps"),
        services=("mobile-apps", "web-applications", "web-apps", "development"),
        technologies=("flutter", "ionic", "kotlin", "swift"),
    ),
    Concept(
        "e-commerce",
        _("online shops and payments"),
        (
            "e commerce",
            "ecommerce",
            "online shop",
            "online store",
            "web shop",
            "webshop",
            "sell online",
            "selling online",
            "shopping cart",
            "online payment",
            "take payment",
            "payment system",
            "online donation",
            "take donation",
            "one off gift",
            "monthly gift",
            "regular gift",
            "recurring donation",
            "recurring payment",
            "direct debit",
            "donation platform",
            "membership fee",
        ),
        services=("e-commerce",),
        technologies=("magento",),
    ),
    Concept(
        "data-engineering",
        _("databases and data engineering"),
        (
            "data engineering",
            "data pipeline",
            "etl",
            "database",
            "data warehouse",
            "big data",
            "data migration",
            "data integration",
            "data platform",
            "survey result",
            "clean up data",
            "cleaned up",
            "data cleaning",
            "in one place",
            "different format",
            "spreadsheet",
            "talk to each other",
            "systems integration",
            "integrate",
            "integration",
        ),
        services=("data-engineering", "database-solutions", "big-data"),
        technologies=("postgresql", "mysql", "mariadb", "mongodb", "sql-server", "oracle"),
    ),
    Concept(
        "open-data",
        _("open data"),
        (
            "open data",
            "linked data",
            "data publishing",
            "publish data",
            "publish our data",
            "data standard",
            "transparency",
        ),
        services=("open-data", "data-standards"),
        technologies=("rdf-2", "json-schema"),
    ),
    Concept(
        "machine-learning",
        _("machine learning"),
        (
            "machine learning",
            "artificial intelligence",
            "ai",
            "predictive model",
            "nlp",
            "natural language processing",
            "chatbot",
        ),
        services=("machine-learning",),
    ),
    Concept(
        "games-interactive",
        _("games and interactive media"),
        (
            "game",
            "serious game",
            "game design",
            "interactive",
            "virtual reality",
            "augmented reality",
            "mixed reality",
            "vr",
            "3d",
        ),
        services=(
            "games-and-interactive",
            "game-design",
            "virtual-reality",
            "augmented-reality",
            "mixed-reality",
            "3d-websites",
        ),
        technologies=("unity", "unity-3d", "godot", "blender", "three-js"),
    ),
    # Design
    Concept(
        "user-research",
        _("user research"),
        (
            "user research",
            "usability testing",
            "user testing",
            "user interview",
            "discovery",
            "discovery phase",
            "understand our user",
            "research with user",
        ),
        services=("user-research", "user-testing"),
    ),
    Concept(
        "ux-design",
        _("user experience design"),
        (
            "user experience",
            "ux",
            "ui",
            "wireframe",
            "prototype",
            "prototyping",
            "interface design",
            "service design",
            "design thinking",
            "web design",
            "redesign",
        ),
        services=(
            "user-experience-design",
            "user-experience",
            "prototyping",
            "design-thinking",
            "web-design",
        ),
        technologies=("figma", "invision", "zeplin"),
    ),
    Concept(
        "branding",
        _("branding and identity"),
        (
            "brand",
            "branding",
            "logo",
            "visual identity",
            "rebrand",
            "brand identity",
            "style guide",
        ),
        services=("branding-and-identity", "logo-design"),
    ),
    Concept(
        "graphic-design",
        _("graphic design"),
        (
            "graphic design",
            "illustration",
            "poster",
            "leaflet",
            "infographic",
            "annual report design",
            "artwork",
        ),
        services=("graphic-design", "illustration", "artwork"),
        technologies=("adobe-illustrator", "indesign", "photoshop"),
    ),
    Concept(
        "print",
        _("printing"),
        (
            "print",
            "printing",
            "printed",
            "risograph",
            "leaflet printing",
            "print run",
            "reprographic",
        ),
        services=(
            "printing",
            "reprographics",
            "print-finishing",
            "binding-and-special-effects",
            "paper-and-substrate-library",
            "mailing",
            "distribution",
        ),
        technologies=("risograph", "heidelberg"),
    ),
    Concept(
        "accessibility",
        _("accessibility"),
        (
            "accessibility",
            "accessible",
            "wcag",
            "a11y",
            "screen reader",
            "inclusive design",
            "accessibility audit",
        ),
        services=("accessibility-audits",),
    ),
    # Run
    Concept(
        "hosting",
        _("hosting"),
        (
            "hosting",
            "web hosting",
            "managed hosting",
            "server",
            "look after server",
            "look after website",
            "virtual server",
            "vps",
            "domain name",
            "host our website",
            "host website",
            "cloud hosting",
        ),
        services=("hosting", "virtual-servers", "domain-names"),
        technologies=("coop-cloud", "xen-hypervisor", "lets-encrypt"),
    ),
    Concept(
        "sysadmin",
        _("system administration"),
        (
            "system administration",
            "systems administration",
            "sysadmin",
            "devops",
            "infrastructure",
            "server",
            "look after server",
            "server maintenance",
            "manage server",
            "keep server running",
            "linux",
            "cloud infrastructure",
            "monitoring",
            "backup",
        ),
        services=("system-administration", "sysadmin", "devops"),
        technologies=(
            "linux",
            "debian",
            "ubuntu",
            "centos",
            "free-bsd",
            "ansible",
            "docker",
            "kubernetes",
            "terraform",
            "nginx",
            "apache",
            "munin",
            "icinga",
            "grafana",
        ),
    ),
    Concept(
        "email-collaboration",
        _("email and collaboration tools"),
        (
            "email hosting",
            "mail server",
            "shared file",
            "file sharing",
            "collaboration tool",
            "nextcloud",
            "owncloud",
            "chat server",
            "video call",
            "mailing list",
            "get off google",
            "google workspace",
            "google drive",
            "microsoft 365",
            "office 365",
            "big tech",
            "tech giant",
            "self hosted",
            "email moved",
            "move email",
        ),
        services=("email-and-collaboration", "email"),
        technologies=(
            "nextcloud",
            "owncloud",
            "mailcow",
            "mailman",
            "rocket-chat",
            "matrix",
            "mumble",
            "sandstorm",
        ),
        brief_only=("email", "document", "calendar", "chat", "something we control"),
    ),
    Concept(
        "security",
        _("security reviews"),
        (
            "security",
            "security review",
            "security audit",
            "penetration testing",
            "pen test",
            "pentest",
            "cyber security",
            "cybersecurity",
            "information security",
            "vulnerability",
            "hacked",
        ),
        services=("security-reviews", "it-security"),
    ),
    Concept(
        "support-maintenance",
        _("support and maintenance"),
        (
            "support and maintenance",
            "support contract",
            "ongoing support",
            "maintenance",
            "maintain",
            "look after website",
            "look after our site",
            "look after site",
            "bug fix",
            "security update",
            "keep it up to date",
            "take over",
            "inherit",
        ),
        services=("support-and-maintenance",),
        brief_only=("support", "fix"),
    ),
    Concept(
        "it-support",
        _("office IT support"),
        (
            "it support",
            "helpdesk",
            "help desk",
            "laptop",
            "computer",
            "office computer",
            "office network",
            "printer",
        ),
        services=("it-support",),
    ),
    Concept(
        "connectivity",
        _("broadband and networks"),
        (
            "broadband",
            "full fibre",
            "fibre",
            "community network",
            "connectivity",
            "internet access",
            "wifi",
            "mesh network",
            "digital inclusion",
            "network the community would own",
        ),
        services=("broadband",),
        technologies=("openwrt",),
    ),
    # Advise
    Concept(
        "strategy",
        _("digital strategy"),
        (
            "digital strategy",
            "strategy",
            "roadmap",
            "digital transformation",
            "consultancy",
            "consultant",
            "business analysis",
            "technology advice",
            "tech advice",
            "procurement",
            "ideation",
            "impartial",
            "independent advice",
            "independent help",
            "business case",
            "feasibility study",
            "options appraisal",
        ),
        services=("digital-strategy", "strategy", "consultancy", "business-analysis", "ideation"),
        brief_only=("advice", "advise"),
    ),
    Concept(
        "training",
        _("training"),
        (
            "training",
            "train our staff",
            "workshop",
            "teaching",
            "training course",
            "online course",
            "run course",
            "digital skill",
            "mentoring",
            "coaching",
            "facilitation",
            "e learning",
            "elearning",
        ),
        services=(
            "training",
            "workshop-facilitation",
            "mentoring",
            "leadership-development",
            "print-seminars-and-consulting",
        ),
        technologies=("moodle",),
    ),
    Concept(
        "crm",
        _("supporter databases (CRM)"),
        (
            "crm",
            "customer relationship management",
            "constituent relationship management",
            "supporter database",
            "donor database",
            "membership database",
            "member database",
            "contact database",
            "gift aid",
            "thank people automatically",
            "salesforce",
            "civicrm",
            "civi crm",
        ),
        # Using CiviCRM is doing CRM work: the technology defines the capability.
        technologies=("civicrm",),
        kind=TECHNOLOGY,
    ),
    Concept(
        "data-protection",
        _("data protection"),
        (
            "gdpr",
            "data protection",
            "privacy",
            "data protection officer",
            "dpo",
            "privacy policy",
        ),
        services=("data-protection",),
    ),
    Concept(
        "coop-development",
        _("co-op development"),
        (
            "co op development",
            "co operative development",
            "cooperative development",
            "convert to a co op",
            "conversion to co op",
            "become a co op",
            "start a co op",
            "co operative advice",
            "governance",
            "set up co op",
            "set up own co op",
            "form co op",
            "own co op",
            "co op rule",
            "model rule",
            "cooperative enterprise",
            "co operative enterprise",
            "member offer",
            "membership strategy",
        ),
        services=("co-op-development",),
    ),
    Concept(
        "research-evaluation",
        _("research and evaluation"),
        (
            "evaluation",
            "impact evaluation",
            "evaluate",
            "social research",
            "research",
            "survey",
            "impact report",
            "monitoring and evaluation",
        ),
        services=("research-and-evaluation", "research"),
    ),
    # Communicate
    Concept(
        "video-animation",
        _("video and animation"),
        (
            "video",
            "film",
            "animation",
            "animated",
            "motion graphic",
            "explainer video",
            "video editing",
            "documentary",
        ),
        services=("video-and-animation", "animation", "film", "motion-graphics"),
        technologies=("after-effects", "adobe-premiere-pro", "blender"),
    ),
    Concept(
        "photography",
        _("photography"),
        ("photography", "photographer", "photoshoot", "product photo"),
        services=("photography",),
        technologies=("lightroom",),
    ),
    Concept(
        "content",
        _("content and copywriting"),
        (
            "copywriting",
            "copywriter",
            "content strategy",
            "content writing",
            "writing",
            "editing",
            "translation",
            "translate",
            "plain english",
        ),
        services=("content-and-copywriting", "copywriting-and-translation"),
        brief_only=("content", "copy"),
    ),
    Concept(
        "marketing",
        _("digital marketing"),
        (
            "digital marketing",
            "marketing",
            "seo",
            "search engine optimisation",
            "search engine optimization",
            "social media",
            "newsletter",
            "advertising",
            "reach more people",
            "more people to find",
            "digital comm",
            "strategic communication",
            "communication strategy",
        ),
        services=("digital-marketing", "marketing", "seo-optimisation"),
        technologies=("awario", "brandwatch", "similarweb"),
        brief_only=("audience", "follower"),
    ),
    Concept(
        "data-visualisation",
        _("data visualisation and maps"),
        (
            "data visualisation",
            "data visualization",
            "dataviz",
            "visualise",
            "visualize",
            "chart",
            "dashboard",
            "map",
            "mapping",
            "interactive map",
            "gis",
            "explorable",
            "explore online",
            "insight from data",
        ),
        services=("data-visualisation",),
        technologies=(
            "d3",
            "d3-js",
            "qgis",
            "open-street-map",
            "openstreetmap",
            "tableau",
            "gephi",
        ),
    ),
    Concept(
        "analytics",
        _("analytics"),
        ("analytics", "web analytics", "metrics", "measure impact", "tracking", "statistics"),
        services=("analytics",),
        technologies=("matomo", "ibm-cognos", "aws-redshift"),
    ),
    Concept(
        "community",
        _("online communities"),
        (
            "online community",
            "community building",
            "forum",
            "discussion forum",
            "member network",
            "social network",
            "wiki",
            "knowledge base",
        ),
        services=("community-building", "document-repositories"),
        technologies=("discourse", "mastodon", "mediawiki", "phpbb"),
    ),
    # Technologies a brief names, where using the technology is the capability.
    Concept("drupal", "Drupal", ("drupal",), technologies=("drupal",), kind=TECHNOLOGY),
    Concept(
        "wordpress",
        "WordPress",
        ("wordpress", "word press", "woocommerce"),
        technologies=("wordpress",),
        kind=TECHNOLOGY,
    ),
    Concept(
        "civicrm", "CiviCRM", ("civicrm", "civi crm"), technologies=("civicrm",), kind=TECHNOLOGY
    ),
    Concept("moodle", "Moodle", ("moodle",), technologies=("moodle",), kind=TECHNOLOGY),
    Concept(
        "django",
        "Django",
        ("django",),
        technologies=("django", "django-2", "django-3"),
        kind=TECHNOLOGY,
    ),
    Concept("python", "Python", ("python",), technologies=("python",), kind=TECHNOLOGY),
    Concept("php", "PHP", ("php",), technologies=("php",), kind=TECHNOLOGY),
    Concept("laravel", "Laravel", ("laravel",), technologies=("laravel",), kind=TECHNOLOGY),
    Concept(
        "ruby-on-rails",
        "Ruby on Rails",
        ("ruby on rails", "rails", "ruby"),
        technologies=("ruby-on-rails", "ruby"),
        kind=TECHNOLOGY,
    ),
    Concept(
        "react",
        "React",
        ("reactjs", "react js", "react app", "react frontend", "react native"),
        technologies=("react", "reactjs"),
        kind=TECHNOLOGY,
    ),
    Concept("vue", "Vue.js", ("vue", "vuejs", "vue js"), technologies=("vue-js",), kind=TECHNOLOGY),
    Concept("node", "Node.js", ("node js", "nodejs"), technologies=("node-js",), kind=TECHNOLOGY),
    Concept(
        "elixir",
        "Elixir",
        ("elixir", "phoenix framework"),
        technologies=("elixir", "phoenix"),
        kind=TECHNOLOGY,
    ),
    Concept("joomla", "Joomla", ("joomla",), technologies=("joomla",), kind=TECHNOLOGY),
    Concept("magento", "Magento", ("magento",), technologies=("magento",), kind=TECHNOLOGY),
    Concept(
        "mediawiki",
        "MediaWiki",
        ("mediawiki", "media wiki"),
        technologies=("mediawiki",),
        kind=TECHNOLOGY,
    ),
    Concept("discourse", "Discourse", ("discourse",), technologies=("discourse",), kind=TECHNOLOGY),
    Concept(
        "openstreetmap",
        "OpenStreetMap",
        ("openstreetmap", "open street map", "osm"),
        technologies=("openstreetmap", "open-street-map"),
        kind=TECHNOLOGY,
    ),
)

CONCEPTS_BY_KEY: dict[str, Concept] = {c.key: c for c in CONCEPTS}

# Adjacent capabilities: a co-op that clearly has one of these has part of what the key needs
# (a web application shop can build the "app" a client asks for). Matching gives such a co-op
# partial credit, never full cover.
RELATED: dict[str, tuple[str, ...]] = {
    "web-development": ("web-applications", "ux-design", "support-maintenance"),
    "web-applications": ("web-development", "mobile-apps", "data-engineering"),
    "mobile-apps": ("web-applications", "apps"),
    "apps": ("web-development", "mobile-apps", "web-applications"),
    "e-commerce": ("web-development", "crm"),
    "data-engineering": ("web-applications", "open-data", "analytics"),
    "open-data": ("data-engineering", "data-visualisation"),
    "machine-learning": ("data-engineering", "analytics"),
    "games-interactive": ("video-animation", "ux-design"),
    "user-research": ("ux-design", "research-evaluation"),
    "ux-design": ("user-research", "web-development", "graphic-design"),
    "branding": ("graphic-design", "marketing"),
    "graphic-design": ("branding", "print"),
    "print": ("graphic-design",),
    "accessibility": ("ux-design", "web-development"),
    "hosting": ("sysadmin", "email-collaboration"),
    "sysadmin": ("hosting", "security"),
    "email-collaboration": ("hosting", "sysadmin"),
    "security": ("sysadmin", "data-protection"),
    "support-maintenance": ("web-development", "hosting"),
    "it-support": ("sysadmin", "connectivity"),
    "connectivity": ("it-support", "sysadmin"),
    "strategy": ("research-evaluation", "user-research"),
    "training": ("strategy", "coop-development"),
    "crm": ("data-engineering", "web-applications"),
    "data-protection": ("security", "strategy"),
    "coop-development": ("strategy", "training"),
    "research-evaluation": ("user-research", "analytics"),
    "video-animation": ("photography", "games-interactive"),
    "photography": ("video-animation",),
    "content": ("marketing",),
    "marketing": ("content", "analytics"),
    "data-visualisation": ("data-engineering", "analytics", "open-data"),
    "analytics": ("data-visualisation", "marketing"),
    "community": ("web-applications", "training"),
    "drupal": ("php",),
    "wordpress": ("php",),
    "laravel": ("php",),
    "joomla": ("php",),
    "magento": ("php", "e-commerce"),
    "civicrm": ("crm",),
    "django": ("python",),
    "python": ("django",),
    "react": ("vue", "node"),
    "vue": ("react", "node"),
    "node": ("react", "vue"),
    "moodle": ("training",),
}


@dataclass(frozen=True)
class SectorHint:
    slug: str  # a Sector slug (coopnet/directory/sectors.py)
    phrases: tuple[str, ...]
    # "Has worked for 1 charity" / "Has worked for 3 charities"; takes %(count)d.
    worked_for: Promise


SECTOR_HINTS: tuple[SectorHint, ...] = (
    SectorHint(
        "charity",
        (
            "charity",
            "charitable",
            "non profit",
            "nonprofit",
            "not for profit",
            "ngo",
            "voluntary organisation",
            "voluntary sector",
            "donation",
            "donate",
            "donor",
            "fundraising",
            "food bank",
            "foodbank",
            "third sector",
            "appeal",
            "trustee",
        ),
        ngettext_lazy(
            "Has worked for %(count)d charity", "Has worked for %(count)d charities", "count"
        ),
    ),
    SectorHint(
        "local-government",
        (
            "council",
            "local authority",
            "borough",
            "municipality",
            "city council",
            "county council",
            "parish council",
            "local government",
        ),
        ngettext_lazy(
            "Has worked for %(count)d council or local authority",
            "Has worked for %(count)d councils or local authorities",
            "count",
        ),
    ),
    SectorHint(
        "central-government",
        (
            "government department",
            "central government",
            "ministry",
            "public body",
            "civil service",
            "gov uk",
            "european union",
            "government agency",
        ),
        ngettext_lazy(
            "Has worked for %(count)d government body",
            "Has worked for %(count)d government bodies",
            "count",
        ),
    ),
    SectorHint(
        "health",
        (
            "nhs",
            "hospital",
            "health",
            "healthcare",
            "care home",
            "gp surgery",
            "clinic",
            "hospice",
            "patient",
            "social care",
            "mental health",
            "carer",
        ),
        ngettext_lazy(
            "Has worked for %(count)d health or care organisation",
            "Has worked for %(count)d health or care organisations",
            "count",
        ),
    ),
    SectorHint(
        "education",
        (
            "school",
            "university",
            "college",
            "student",
            "pupil",
            "teacher",
            "academy",
            "education",
            "educational",
            "e learning",
        ),
        ngettext_lazy(
            "Has worked for %(count)d school, college or university",
            "Has worked for %(count)d schools, colleges or universities",
            "count",
        ),
    ),
    SectorHint(
        "research",
        ("research institute", "think tank", "learned society", "research centre"),
        ngettext_lazy(
            "Has worked for %(count)d research organisation",
            "Has worked for %(count)d research organisations",
            "count",
        ),
    ),
    SectorHint(
        "housing",
        ("housing association", "housing", "tenant", "social housing", "housing co op"),
        ngettext_lazy(
            "Has worked for %(count)d housing organisation",
            "Has worked for %(count)d housing organisations",
            "count",
        ),
    ),
    SectorHint(
        "cooperative",
        (
            "co op",
            "coop",
            "cooperative",
            "co operative",
            "mutual",
            "credit union",
            "community benefit society",
            "social enterprise",
        ),
        ngettext_lazy(
            "Has worked for %(count)d co-operative or social enterprise",
            "Has worked for %(count)d co-operatives or social enterprises",
            "count",
        ),
    ),
    SectorHint(
        "arts-culture",
        (
            "museum",
            "gallery",
            "theatre",
            "festival",
            "arts organisation",
            "arts centre",
            "arts council",
            "art gallery",
            "heritage",
            "orchestra",
            "artist",
            "music",
            "cultural",
        ),
        ngettext_lazy(
            "Has worked for %(count)d arts or culture organisation",
            "Has worked for %(count)d arts or culture organisations",
            "count",
        ),
    ),
    SectorHint(
        "media",
        ("newspaper", "magazine", "publisher", "publishing", "journalism", "broadcaster", "radio"),
        ngettext_lazy(
            "Has worked for %(count)d media organisation",
            "Has worked for %(count)d media organisations",
            "count",
        ),
    ),
    SectorHint(
        "environment",
        (
            "environmental",
            "climate",
            "wildlife",
            "conservation",
            "nature",
            "renewable",
            "sustainability",
            "green energy",
        ),
        ngettext_lazy(
            "Has worked for %(count)d environmental organisation",
            "Has worked for %(count)d environmental organisations",
            "count",
        ),
    ),
    SectorHint(
        "trade-union",
        ("trade union", "union", "union member"),
        ngettext_lazy(
            "Has worked for %(count)d trade union",
            "Has worked for %(count)d trade unions",
            "count",
        ),
    ),
    SectorHint(
        "campaigns",
        ("campaign", "campaigning", "petition", "activist", "advocacy", "campaign group"),
        ngettext_lazy(
            "Has worked for %(count)d campaign", "Has worked for %(count)d campaigns", "count"
        ),
    ),
    SectorHint(
        "international-development",
        ("international development", "humanitarian", "aid agency", "global south"),
        ngettext_lazy(
            "Has worked for %(count)d international development organisation",
            "Has worked for %(count)d international development organisations",
            "count",
        ),
    ),
    SectorHint(
        "sport",
        ("sports club", "football club", "sport", "athletics", "leisure centre"),
        ngettext_lazy(
            "Has worked for %(count)d sports organisation",
            "Has worked for %(count)d sports organisations",
            "count",
        ),
    ),
    SectorHint(
        "business",
        ("small business", "startup", "start up", "sme", "retailer", "family business"),
        ngettext_lazy(
            "Has worked for %(count)d business", "Has worked for %(count)d businesses", "count"
        ),
    ),
)

SECTOR_HINTS_BY_SLUG: dict[str, SectorHint] = {h.slug: h for h in SECTOR_HINTS}


# Words that carry no meaning in a phrase: "look after our servers" is "look after server".
FILLER_WORDS = frozenset("a an the our my your their its this that these those some us me".split())
_TOKEN = re.compile(r"[a-z0-9]+")


def _stem(word: str) -> str:
    """A deliberately small plural stripper: both sides of every comparison go through it."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


# word -> its stem ("" for filler words): matching reads hundreds of profiles per brief, and
# the words of a language are few.
_STEMS: dict[str, str] = {}


def tokens(text: str) -> list[str]:
    """Text as a list of comparable words (see the module docstring)."""
    text = text or ""
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stems = _STEMS
    found = []
    for word in _TOKEN.findall(text.lower()):
        stem = stems.get(word)
        if stem is None:
            stem = stems[word] = "" if word in FILLER_WORDS else _stem(word)
        if stem:
            found.append(stem)
    return found


def normalise_words(text: str) -> str:
    """Text as space-separated comparable words."""
    return " ".join(tokens(text))


# first word -> [(phrase as words, value)], longest phrase first
_PhraseTable = dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]]


@dataclass(frozen=True)
class _PhraseIndex:
    concepts: _PhraseTable  # every phrase -> the concept keys it means (a phrase may mean several)
    evidence: _PhraseTable  # the phrases that are evidence in a profile (no brief_only ones)
    # Sector words are read in a pass of their own: "donation site" is web development (a
    # concept phrase) *and* a charity (a sector word inside it).
    sectors: _PhraseTable


def _table(pairs: Iterable[tuple[str, str]]) -> _PhraseTable:
    meanings: dict[tuple[str, ...], list[str]] = {}
    for phrase, value in pairs:
        words = tuple(tokens(phrase))
        if words:
            meanings.setdefault(words, [])
            if value not in meanings[words]:
                meanings[words].append(value)
    table: _PhraseTable = {}
    for words, values in meanings.items():
        table.setdefault(words[0], []).append((words, tuple(values)))
    for entries in table.values():
        entries.sort(key=lambda entry: -len(entry[0]))
    return table


def _scan(words: list[str], table: _PhraseTable) -> Iterable[tuple[tuple[str, ...], tuple]]:
    """The phrases of `table` in `words`, left to right, longest first, never overlapping."""
    i = 0
    n = len(words)
    while i < n:
        for phrase, values in table.get(words[i], ()):
            end = i + len(phrase)
            if end <= n and (len(phrase) == 1 or tuple(words[i:end]) == phrase):
                yield phrase, values
                i = end
                break
        else:
            i += 1


@cache
def _index() -> _PhraseIndex:
    return _PhraseIndex(
        concepts=_table(
            (phrase, c.key) for c in CONCEPTS for phrase in (*c.phrases, *c.brief_only)
        ),
        evidence=_table((phrase, c.key) for c in CONCEPTS for phrase in c.phrases),
        sectors=_table((phrase, h.slug) for h in SECTOR_HINTS for phrase in h.phrases),
    )


@dataclass
class TextReading:
    """What a text says in the table's terms, each list in the order the text says it."""

    concepts: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    phrases: dict[str, str] = field(default_factory=dict)  # concept key -> phrase that said it


def read_text(text: str) -> TextReading:
    """The concepts and sectors a client's `text` names."""
    index = _index()
    reading = TextReading()
    words = tokens(text)
    for phrase, keys in _scan(words, index.concepts):
        for key in keys:
            if key not in reading.phrases:
                reading.concepts.append(key)
                reading.phrases[key] = " ".join(phrase)
    for _phrase, slugs in _scan(words, index.sectors):
        for slug in slugs:
            if slug not in reading.sectors:
                reading.sectors.append(slug)
    return reading


def evidence_table(keys: Iterable[str]) -> _PhraseTable:
    """The evidence phrases of the concepts `keys` only: matching looks for a few concepts in
    hundreds of profiles, and a small table rejects most words at once."""
    keys = set(keys)
    return {
        first: kept
        for first, entries in _index().evidence.items()
        if (kept := [(p, tuple(k for k in v if k in keys)) for p, v in entries if keys & set(v)])
    }


def evidence_concepts(words: list[str], table: _PhraseTable | None = None) -> set[str]:
    """Concept keys that a co-op's own text shows, given as `tokens` output.

    Phrases in a concept's `brief_only` say too little in a profile and are not evidence.
    `table` (from `evidence_table`) limits the search to some concepts.
    """
    table = _index().evidence if table is None else table
    found: set[str] = set()
    if table.keys().isdisjoint(words):
        return found
    for _phrase, keys in _scan(words, table):
        found.update(keys)
    return found


@cache
def concepts_for_service_slug(slug: str) -> tuple[str, ...]:
    return tuple(c.key for c in CONCEPTS if slug in c.services)


@cache
def concepts_for_technology_slug(slug: str) -> tuple[str, ...]:
    """Concepts a technology shows; a technology concept first (it defines it)."""
    defining = [c.key for c in CONCEPTS if c.kind == TECHNOLOGY and slug in c.technologies]
    supporting = [c.key for c in CONCEPTS if c.kind == SERVICE and slug in c.technologies]
    return tuple(defining + supporting)


def concept_label(key: str) -> str:
    """The label of a concept key, including the per-term keys matching makes on the fly
    (`service:<slug>`, `technology:<slug>`) for terms the table does not know."""
    concept = CONCEPTS_BY_KEY.get(key)
    if concept is not None:
        return str(concept.label)
    return key.split(":", 1)[-1].replace("-", " ")
