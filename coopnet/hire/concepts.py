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

Words are compared after `normalise_words`: lower case, accents and punctuation gone, a light
stemmer (plurals, "-ed", "-ing": "hosted", "mapping", "organised" read as "host", "map",
"organis") and filler words ("our", "the") removed, so "look after our servers" and "looks
after the server" read the same. Phrases are matched longest first: "web app" is a web
application, not a mobile app. Words inside a longer phrase that says who the client is ("a
research group", "a film festival") name the client, not the work.

How to extend the table is in docs/matching.md; test_concepts.py checks that every phrase is
reachable and every label distinct.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache

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
            "web presence",
            "online presence",
            "homepage",
            "home page",
            "web build",
            "website build",
            "site build",
            "build a site",
            "new site",
            "squarespace",
            "wix",
            "front end",
            "frontend",
            "html",
            "css",
            "responsive design",
            "mobile friendly",
            "web designer",
            "website design",
            "site design",
            "blog",
            "content management",
            "edit the page",
            "update the content",
            "update the site",
            "update our website",
            "update the website",
            "manage the content",
            "without a developer",
            "web project",
        ),
        services=("web-development", "development", "web-design", "3d-websites"),
        brief_only=(
            "site",
            "web page",
            "page",
            "web",
        ),
        technologies=(
            "htmlcss",
            "javascript",
            "angular",
            "express-js",
            "dreamweaver",
        ),
    ),
    Concept(
        "web-applications",
        _("web applications"),
        (
            "book online",
            "book room",
            "room booking",
            "booking app",
            "reservation",
            "event calendar",
            "events calendar",
            "what s on",
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
            "online booking",
            "appointment system",
            "scheduling",
            "log in",
            "login",
            "sign in",
            "user account",
            "member area",
            "members area",
            "workflow",
            "automate",
            "automation",
            "software solution",
            "software engineering",
            "software developer",
            "build software",
            "software product",
            "digital product",
            "back end",
            "backend",
            "api",
            "ticketing system",
            "tracking system",
            "stock control",
            "inventory",
            "rota",
            "volunteer management",
            "grant management",
            "application form",
            "web based",
            "business application",
            "full stack",
            "digital service",
            "case tracking",
        ),
        services=(
            "web-applications",
            "web-apps",
            "development",
            "rapid-application-development",
            "business-systems",
        ),
        brief_only=(
            "platform",
            "system",
            "database driven",
            "software",
            "tool",
            "form",
            "database",
        ),
        technologies=(
            "java",
            "net",
            "clojure",
            "rust",
            "elm",
            "symfony",
            "yii",
            "angular",
            "express-js",
        ),
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
            "mobile",
            "smartphone",
            "on phone",
            "on their phone",
            "app store",
            "play store",
            "push notification",
            "tablet",
            "ipad",
            "cross platform",
            "native app",
        ),
        services=("mobile-apps",),
        technologies=("flutter", "kotlin", "swift", "ionic"),
    ),
    Concept(
        # "An app" in a client's words may be a web or a mobile one: either kind of shop can
        # build it. "A mobile app" or "an iPhone app" is mobile-apps.
        "apps",
        _("web or mobile apps"),
        (
            "app",
            "apps",
            "application development",
        ),
        services=("mobile-apps", "web-applications", "web-apps", "development"),
        technologies=("flutter", "ionic", "kotlin", "swift"),
    ),
    Concept(
        "e-commerce",
        _("online shops and payments"),
        (
            "order online",
            "online ordering",
            "ordering system",
            "place order",
            "take order",
            "pay by card",
            "pay online",
            "box scheme",
            "subscription box",
            "repeat order",
            "recurring order",
            "click and collect",
            "collection point",
            "delivery slot",
            "subscribe and pay",
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
            "checkout",
            "basket",
            "payment",
            "accept payment",
            "card payment",
            "stripe",
            "paypal",
            "gocardless",
            "donate button",
            "donation form",
            "subscription",
            "merchandise",
            "product catalogue",
            "shopify",
            "sell ticket",
            "ticket sale",
            "online sale",
            "online order",
        ),
        services=("e-commerce",),
        technologies=("magento",),
        brief_only=(
            "donation",
            "sell",
        ),
    ),
    Concept(
        "data-engineering",
        _("databases and data engineering"),
        (
            "archive",
            "digital archive",
            "digitise",
            "digitize",
            "digitisation",
            "digitization",
            "scanned",
            "search the archive",
            "searchable",
            "document management",
            "full text search",
            "search tool",
            "search function",
            "find document",
            "find the right document",
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
            "excel",
            "deduplicate",
            "duplicate",
            "clean data",
            "tidy data",
            "data processing",
            "data model",
            "data management",
            "migrate data",
            "single source of truth",
            "joined up",
            "connect system",
            "sync",
            "synchronise",
            "interoperability",
            "interoperable",
            "record keeping",
            "scrape",
            "scraping",
            "sql",
            "data store",
            "data set",
            "dataset",
            "legacy data",
            "merge data",
        ),
        services=("data-engineering", "database-solutions", "big-data"),
        technologies=(
            "postgresql",
            "mysql",
            "mariadb",
            "mongodb",
            "sql-server",
            "oracle",
            "xml",
        ),
        brief_only=(
            "record",
            "format",
        ),
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
            "open standard",
            "open access",
            "data commons",
            "publish openly",
            "open licence",
            "open license",
            "share data",
            "data sharing",
        ),
        services=("open-data", "data-standards"),
        technologies=("rdf-2", "json-schema"),
    ),
    Concept(
        "machine-learning",
        _("machine learning"),
        (
            "semantic search",
            "search by meaning",
            "smart search",
            "intelligent search",
            "natural language search",
            "ocr",
            "optical character recognition",
            "text recognition",
            "handwriting recognition",
            "text mining",
            "topic model",
            "embedding",
            "vector search",
            "similar document",
            "machine learning",
            "artificial intelligence",
            "ai",
            "predictive model",
            "nlp",
            "natural language processing",
            "chatbot",
            "data science",
            "data scientist",
            "deep learning",
            "neural network",
            "computer vision",
            "image recognition",
            "large language model",
            "llm",
            "chatgpt",
            "gpt",
            "prediction",
            "predict",
            "forecasting",
            "classification",
            "classify",
            "earth observation",
            "remote sensing",
            "satellite",
            "statistical model",
            "algorithm",
        ),
        services=("machine-learning",),
    ),
    Concept(
        "games-interactive",
        _("games and interactive media"),
        (
            "virtual tour",
            "virtual visit",
            "360 degree",
            "360 video",
            "walkthrough",
            "experience it",
            "interactive exhibit",
            "interactive display",
            "immersive experience",
            "rehabilitation",
            "therapy",
            "exercise at home",
            "serious play",
            "game",
            "serious game",
            "game design",
            "interactive",
            "virtual reality",
            "augmented reality",
            "mixed reality",
            "vr",
            "3d",
            "gaming",
            "video game",
            "headset",
            "vr headset",
            "immersive",
            "simulation",
            "simulate",
            "virtual world",
            "metaverse",
            "xr",
            "extended reality",
            "unity",
            "interactive experience",
            "board game",
            "gamification",
            "gamify",
            "3d model",
        ),
        services=(
            "games-and-interactive",
            "game-design",
            "virtual-reality",
            "augmented-reality",
            "mixed-reality",
            "3d-websites",
        ),
        technologies=(
            "unity",
            "unity-3d",
            "godot",
            "blender",
            "three-js",
            "maya",
            "fmod",
            "wwise",
        ),
    ),
    # Design
    Concept(
        "user-research",
        _("user research"),
        (
            "understand our audience",
            "understand what",
            "understand why",
            "what people want",
            "what would bring",
            "why people don't",
            "find out why",
            "what they need",
            "user research",
            "usability testing",
            "user testing",
            "user interview",
            "discovery",
            "discovery phase",
            "understand our user",
            "research with user",
            "talk to user",
            "focus group",
            "user need",
            "what people need",
            "usability",
            "co design",
            "codesign",
            "co production",
            "participatory design",
            "service user",
            "lived experience",
            "user feedback",
            "feedback from user",
            "test with user",
            "audience research",
            "customer research",
        ),
        services=("user-research", "user-testing"),
        brief_only=(
            "interview",
            "feedback",
        ),
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
            "easier to use",
            "easy to use",
            "hard to use",
            "difficult to use",
            "confusing",
            "user friendly",
            "intuitive",
            "navigation",
            "look and feel",
            "user journey",
            "customer journey",
            "design system",
            "interface",
            "product design",
            "digital design",
            "ux design",
            "ui design",
            "clunky",
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
            "new look",
            "brand guideline",
            "house style",
            "tone of voice",
            "identity",
            "logo design",
            "look more professional",
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
            "graphic",
            "flyer",
            "brochure",
            "booklet",
            "annual report",
            "report design",
            "illustrator",
            "icon",
            "layout",
            "typesetting",
            "publication",
            "banner",
            "signage",
            "exhibition",
            "design for print",
            "zine",
        ),
        services=(
            "graphic-design",
            "illustration",
            "artwork",
            "exhibition-and-display",
        ),
        technologies=("adobe-illustrator", "indesign", "photoshop"),
    ),
    Concept(
        "print",
        _("printing"),
        (
            "wayfinding",
            "way finding",
            "find their way",
            "display board",
            "large format",
            "banner",
            "poster",
            "sign inside",
            "sign outside",
            "printed material",
            "print",
            "printing",
            "printed",
            "risograph",
            "leaflet printing",
            "print run",
            "reprographic",
            "leaflet",
            "flyer printing",
            "poster printing",
            "mail out",
            "mailout",
            "mailing",
            "post out",
            "envelope",
            "recycled paper",
            "litho",
            "hard copy",
            "printed copy",
            "book printing",
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
        technologies=(
            "risograph",
            "heidelberg",
            "epson",
            "kodak",
            "konika",
            "muller-martini",
            "preps",
            "tharstern-print-management",
        ),
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
            "disabled people",
            "disability",
            "disabled",
            "blind",
            "partially sighted",
            "visually impaired",
            "deaf",
            "dyslexia",
            "dyslexic",
            "easy read",
            "colour contrast",
            "keyboard only",
            "assistive technology",
            "accessible to all",
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
            "web host",
            "hosting company",
            "hosting provider",
            "dns",
            "ssl",
            "uptime",
            "downtime",
            "goes down",
            "went down",
            "crash",
            "speed up",
            "cloud",
            "aws",
            "amazon web service",
            "azure",
            "digital ocean",
            "data centre",
            "data center",
            "green hosting",
            "ethical hosting",
            "move our website",
            "move our site",
            "move the site",
            "migrate our website",
            "migrate our site",
            "website migration",
            "shared hosting",
            "dedicated server",
            "host our site",
            "host our email",
            "host it",
        ),
        services=("hosting", "virtual-servers", "domain-names"),
        technologies=(
            "coop-cloud",
            "xen-hypervisor",
            "lets-encrypt",
            "aws-lambda",
        ),
        brief_only=(
            "slow",
            "migrate",
            "migration",
        ),
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
            "patch",
            "patching",
            "security patch",
            "keep it running",
            "keep running",
            "keep thing running",
            "up and running",
            "outage",
            "deployment",
            "deploy",
            "continuous integration",
            "docker",
            "kubernetes",
            "ansible",
            "self host",
            "self hosting",
            "on premise",
            "on premises",
            "server admin",
            "system admin",
            "site reliability",
            "configuration management",
            "disaster recovery",
            "maintain server",
            "it infrastructure",
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
            "gitlab",
            "bash",
            "trac",
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
            "mailbox",
            "inbox",
            "shared calendar",
            "shared drive",
            "shared document",
            "file storage",
            "cloud storage",
            "dropbox",
            "google doc",
            "gmail",
            "google",
            "outlook",
            "microsoft",
            "microsoft team",
            "slack",
            "zoom",
            "video conferencing",
            "instant messaging",
            "degoogle",
            "de google",
            "leave google",
            "alternative to google",
            "own our data",
            "control our data",
            "control of our data",
            "data sovereignty",
            "surveillance",
            "privacy friendly",
            "open source alternative",
            "ethical alternative",
            "email service",
            "email provider",
            "mail hosting",
            "email account",
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
        brief_only=(
            "email",
            "document",
            "calendar",
            "chat",
            "something we control",
            "e mail",
        ),
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
            "hack",
            "breach",
            "data breach",
            "phishing",
            "spam",
            "malware",
            "ransomware",
            "virus",
            "password",
            "two factor",
            "2fa",
            "mfa",
            "encryption",
            "encrypt",
            "lock down",
            "locked down",
            "compromised",
            "cyber",
            "cyber essential",
            "threat model",
            "digital security",
            "security training",
            "safe online",
            "exposed",
            "attack",
            "harden",
        ),
        services=("security-reviews", "it-security"),
        brief_only=("secure",),
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
            "look after",
            "keep up to date",
            "bug",
            "broken",
            "not working",
            "stopped working",
            "keep breaking",
            "retainer",
            "inherited",
            "legacy",
            "old code",
            "previous developer",
            "developer left",
            "developer has left",
            "developer disappeared",
            "agency went bust",
            "upgrade",
            "out of date",
            "outdated",
            "unsupported",
            "end of life",
            "old website",
            "old site",
            "rescue",
            "half finished",
            "unfinished",
            "maintenance contract",
            "support service",
            "technical support",
        ),
        services=("support-and-maintenance",),
        # Not "support" alone: "the people we support", "support workers", "a support group".
        brief_only=(
            "fix",
            "website support",
            "site support",
            "support with our website",
            "support with our site",
            "support for our website",
            "support for our site",
        ),
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
            "office it",
            "it help",
            "tech support",
            "device",
            "desktop",
            "microsoft licence",
            "it service",
            "it supplier",
            "it provider",
            "it company",
            "managed it",
            "it need",
            "it system",
            "it problem",
            "hardware",
            "new starter",
        ),
        services=("it-support",),
    ),
    Concept(
        "connectivity",
        _("broadband and networks"),
        (
            "digital exclusion",
            "digitally excluded",
            "digital divide",
            "without internet",
            "no internet",
            "connection at home",
            "home connection",
            "decent connection",
            "poor connection",
            "online only",
            "shared connection",
            "own connection",
            "wi fi",
            "router",
            "bandwidth",
            "slow internet",
            "internet speed",
            "get online",
            "internet provider",
            "network provider",
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
            "internet connection",
            "rural broadband",
            "gigabit",
            "fibre optic",
            "digital infrastructure",
            "network infrastructure",
            "mobile signal",
            "5g",
            "not spot",
            "isp",
            "internet service provider",
            "superfast",
            "ultrafast",
            "community owned network",
            "open access network",
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
            "digital plan",
            "tech plan",
            "technology plan",
            "it strategy",
            "which system",
            "choose a system",
            "choosing software",
            "choose software",
            "choose a supplier",
            "tender",
            "invitation to tender",
            "scoping",
            "digital review",
            "technology review",
            "second opinion",
            "critical friend",
            "vendor neutral",
            "supplier neutral",
            "feasibility",
            "where to start",
            "digital maturity",
            "transformation",
            "strategic",
            "what we should do",
        ),
        services=("digital-strategy", "strategy", "consultancy", "business-analysis", "ideation"),
        brief_only=(
            "advice",
            "advise",
            "review",
            "guidance",
            "recommend",
            "recommendation",
            "requirements",
        ),
    ),
    Concept(
        "training",
        _("training"),
        (
            "mediation",
            "mediator",
            "conflict resolution",
            "conflict",
            "disagreement",
            "dispute",
            "meeting facilitation",
            "facilitated session",
            "run meeting",
            "running meeting",
            "group dynamics",
            "team dynamics",
            "difficult conversation",
            "educational technology",
            "education technology",
            "edtech",
            "learning technology",
            "learning platform",
            "online learning",
            "learning resource",
            "learning material",
            "course material",
            "training material",
            "training video",
            "digital badge",
            "open badge",
            "digital certificate",
            "digital credential",
            "credential",
            "certification",
            "virtual learning environment",
            "vle",
            "learning standard",
            "course system",
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
            "train",
            "teach",
            "upskill",
            "learn how to",
            "show us how",
            "digital confidence",
            "facilitate",
            "facilitator",
            "away day",
            "induction",
            "lms",
            "learning management system",
            "training session",
            "staff training",
            "tutorial",
            "handover",
        ),
        services=(
            "training",
            "workshop-facilitation",
            "mentoring",
            "leadership-development",
            "print-seminars-and-consulting",
        ),
        technologies=(
            "moodle",
            "open-badges",
        ),
        brief_only=(
            "skill",
            "confidence",
        ),
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
            "contact management",
            "contact list",
            "manage our member",
            "manage our contact",
            "membership system",
            "member record",
            "supporter record",
            "donor record",
            "keep track of supporter",
            "keep track of donor",
            "keep track of member",
            "supporter relationship",
            "donor management",
            "beacon",
            "donorfy",
            "hubspot",
            "fundraising database",
            "membership management",
            "volunteer database",
            "mailing list",
            "membership",
        ),
        # Using CiviCRM is doing CRM work: the technology defines the capability.
        technologies=("civicrm",),
        kind=TECHNOLOGY,
        brief_only=("contact",),
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
            "gdpr compliance",
            "data protection impact assessment",
            "dpia",
            "consent",
            "cookie",
            "cookie banner",
            "subject access request",
            "information governance",
            "personal data",
            "data retention",
            "data policy",
            "ico",
        ),
        services=("data-protection",),
    ),
    Concept(
        "coop-development",
        _("co-op development"),
        (
            "how we decide",
            "decide thing",
            "make decision",
            "decision",
            "general meeting",
            "agm",
            "member meeting",
            "how we are run",
            "way we are run",
            "buy the business",
            "buy out",
            "employee owned",
            "employee ownership trust",
            "worker owned",
            "worker ownership",
            "workers co op",
            "worker co op",
            "staff buyout",
            "management buyout",
            "take over the business",
            "run it ourselves",
            "succession planning",
            "business succession",
            "owner is retiring",
            "legal form",
            "legal shape",
            "ownership model",
            "co op model",
            "cooperative model",
            "co operative model",
            "community benefit society",
            "member recruitment",
            "recruit member",
            "membership growth",
            "grow our membership",
            "member retention",
            "retain member",
            "new member",
            "membership development",
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
            "set up a co op",
            "setting up a co op",
            "constitution",
            "articles of association",
            "legal structure",
            "incorporation",
            "community share",
            "share offer",
            "decision making",
            "sociocracy",
            "consensus",
            "employee ownership",
            "buyout",
            "platform co op",
            "platform cooperative",
            "solidarity economy",
            "member engagement",
            "member democracy",
        ),
        services=("co-op-development",),
        brief_only=("rule",),
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
            "questionnaire",
            "focus group",
            "theory of change",
            "literature review",
            "evidence base",
            "needs assessment",
            "consultation",
            "baseline",
            "researcher",
            "fieldwork",
            "policy research",
        ),
        services=("research-and-evaluation", "research"),
        brief_only=("find out",),
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
            "short film",
            "filming",
            "explainer",
            "youtube",
            "vlog",
            "footage",
            "camera",
            "filmmaker",
            "film maker",
            "videographer",
            "livestream",
            "live stream",
            "motion design",
            "cartoon",
            "video production",
            "film production",
            "animator",
            "edit video",
        ),
        services=("video-and-animation", "animation", "film", "motion-graphics"),
        technologies=("after-effects", "adobe-premiere-pro", "blender"),
    ),
    Concept(
        "photography",
        _("photography"),
        (
            "photography",
            "photographer",
            "photoshoot",
            "product photo",
            "photo shoot",
            "headshot",
            "product photography",
            "portrait",
            "event photography",
        ),
        services=("photography",),
        technologies=("lightroom",),
    ),
    Concept(
        "content",
        _("content and copywriting"),
        (
            "rewrite",
            "easy to read",
            "easy read",
            "jargon",
            "readable",
            "clear writing",
            "editor",
            "annual report",
            "report writing",
            "write up",
            "copywriting",
            "copywriter",
            "content strategy",
            "content writing",
            "writing",
            "translation",
            "translate",
            "plain english",
            "blog post",
            "article",
            "editorial",
            "proofreading",
            "proofread",
            "copy editing",
            "storytelling",
            "tone of voice",
            "web copy",
            "writer",
            "content creation",
            "content design",
            "plain language",
            "write copy",
            "write content",
        ),
        services=("content-and-copywriting", "copywriting-and-translation"),
        brief_only=("content", "copy"),
    ),
    Concept(
        "marketing",
        _("digital marketing"),
        (
            "attract",
            "attract more",
            "younger audience",
            "young audience",
            "new audience",
            "audience development",
            "talk to them online",
            "bring them in",
            "bring people in",
            "get people through the door",
            "word out",
            "spread the word",
            "campaign strategy",
            "messaging",
            "key message",
            "what to say",
            "recruitment campaign",
            "target audience",
            "reach young people",
            "reach new people",
            "engagement strategy",
            "being found",
            "when people search",
            "search result",
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
            "google ranking",
            "search ranking",
            "found on google",
            "show up on google",
            "search engine",
            "facebook",
            "instagram",
            "twitter",
            "tiktok",
            "linkedin",
            "mailchimp",
            "email marketing",
            "email campaign",
            "ads",
            "google ad",
            "paid search",
            "grow our audience",
            "more visitor",
            "promotion",
            "publicity",
            "comm",
            "communication",
            "pr",
            "press",
            "media coverage",
            "awareness",
            "raise awareness",
            "outreach",
            "digital campaign",
            "online campaign",
            "audience growth",
            "conversion",
            "subscriber",
            "visibility",
            "brand awareness",
            "content marketing",
            "online marketing",
            "web traffic",
            "website traffic",
        ),
        services=("digital-marketing", "marketing", "seo-optimisation"),
        technologies=(
            "awario",
            "brandwatch",
            "similarweb",
            "tubular",
        ),
        brief_only=(
            "audience",
            "follower",
            "promote",
        ),
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
            "graph",
            "visualisation",
            "visualization",
            "heat map",
            "geospatial",
            "location data",
            "postcode",
            "spatial",
            "atlas",
            "interactive chart",
            "data story",
            "data journalism",
            "infographics",
            "google map",
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
            "google-maps",
        ),
    ),
    Concept(
        "analytics",
        _("analytics"),
        (
            "look at the numbers",
            "conversion rate",
            "bounce rate",
            "drop off",
            "funnel",
            "user journey data",
            "where people leave",
            "why people leave",
            "analytics",
            "web analytics",
            "metrics",
            "measure impact",
            "tracking",
            "statistics",
            "kpi",
            "insight",
            "google analytics",
            "matomo",
            "impact measurement",
            "analyse",
            "analyze",
            "analysis",
            "analyst",
            "data analysis",
            "performance data",
            "how many people",
            "benchmark",
            "benchmarking",
            "audience data",
        ),
        services=("analytics",),
        technologies=("matomo", "ibm-cognos", "aws-redshift"),
        brief_only=("measure",),
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
            "message board",
            "discussion board",
            "community platform",
            "member forum",
            "peer support",
            "community space",
            "online group",
            "mastodon",
            "discourse",
            "matrix",
            "community organising",
            "political organising",
            "activist",
            "grassroots",
            "mobilise",
            "mobilize",
            "movement building",
            "social movement",
            "volunteer network",
            "peer to peer",
            "union organising",
        ),
        services=("community-building", "document-repositories"),
        technologies=("discourse", "mastodon", "mediawiki", "phpbb"),
        brief_only=(
            "organise",
            "organize",
            "rep",
            "members talk",
            "organising",
            "organizing",
            "organiser",
            "organizer",
        ),
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

# Capabilities that are any one of others: a co-op showing one of them shows it in full ("an
# app" may be a web or a mobile one).
UMBRELLAS: dict[str, tuple[str, ...]] = {"apps": ("web-applications", "mobile-apps")}


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
            "voluntary",
            "volunteer",
            "community group",
            "community organisation",
            "funder",
            "grant funded",
            "fundraiser",
            "social sector",
            "civil society",
            "refugee",
            "purpose driven",
            "social good",
            "good cause",
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
            "borough council",
            "district council",
            "town council",
            "unitary authority",
            "combined authority",
            "councillor",
            "public sector",
            "mayor",
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
            "government",
            "whitehall",
            "civil servant",
            "public sector",
            "public service",
            "regulator",
            "devolved",
            "gov",
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
            "gp",
            "nurse",
            "doctor",
            "clinical",
            "wellbeing",
            "well being",
            "disability",
            "therapy",
            "rehabilitation",
            "care provider",
            "care sector",
            "medical",
            "public health",
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
            "learner",
            "teaching",
            "lecturer",
            "academic",
            "higher education",
            "further education",
            "sixth form",
            "curriculum",
            "edtech",
            "educational technology",
            "classroom",
            "training provider",
            "educator",
        ),
        ngettext_lazy(
            "Has worked for %(count)d school, college or university",
            "Has worked for %(count)d schools, colleges or universities",
            "count",
        ),
    ),
    SectorHint(
        "research",
        (
            "research institute",
            "think tank",
            "learned society",
            "research centre",
            "researcher",
            "research group",
            "lab",
            "laboratory",
            "scientist",
            "science",
            "scientific",
            "research project",
            "institute",
            "research council",
            "academic research",
        ),
        ngettext_lazy(
            "Has worked for %(count)d research organisation",
            "Has worked for %(count)d research organisations",
            "count",
        ),
    ),
    SectorHint(
        "housing",
        (
            "housing association",
            "housing",
            "tenant",
            "social housing",
            "housing co op",
            "resident",
            "landlord",
            "homes",
            "homeless",
            "homelessness",
            "housing co operative",
        ),
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
            "worker co op",
            "cooperatives",
            "mutual aid",
            "community owned",
            "community business",
            "employee owned",
            "solidarity economy",
            "social economy",
            "platform co op",
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
            "artists",
            "creative sector",
            "dance",
            "literature",
            "poetry",
            "film festival",
            "cultural organisation",
        ),
        ngettext_lazy(
            "Has worked for %(count)d arts or culture organisation",
            "Has worked for %(count)d arts or culture organisations",
            "count",
        ),
    ),
    SectorHint(
        "media",
        (
            "newspaper",
            "magazine",
            "publisher",
            "publishing",
            "journalism",
            "broadcaster",
            "radio",
            "journalist",
            "podcast",
            "broadcast",
            "media organisation",
        ),
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
            "carbon",
            "net zero",
            "biodiversity",
            "ecology",
            "ecological",
            "recycling",
        ),
        ngettext_lazy(
            "Has worked for %(count)d environmental organisation",
            "Has worked for %(count)d environmental organisations",
            "count",
        ),
    ),
    SectorHint(
        "trade-union",
        (
            "trade union",
            "union",
            "union member",
            "unions",
            "union branch",
            "shop steward",
            "workers rights",
            "labour movement",
            "union rep",
            "workplace rep",
        ),
        ngettext_lazy(
            "Has worked for %(count)d trade union",
            "Has worked for %(count)d trade unions",
            "count",
        ),
    ),
    SectorHint(
        "campaigns",
        (
            "campaign",
            "campaigning",
            "petition",
            "activist",
            "advocacy",
            "campaign group",
            "campaigner",
            "activism",
            "grassroots",
            "movement",
            "protest",
            "lobbying",
            "pressure group",
            "political",
            "rights organisation",
            "human rights",
            "social justice",
        ),
        ngettext_lazy(
            "Has worked for %(count)d campaign", "Has worked for %(count)d campaigns", "count"
        ),
    ),
    SectorHint(
        "international-development",
        (
            "international development",
            "humanitarian",
            "aid agency",
            "global south",
            "global development",
            "developing countries",
            "overseas",
            "international ngo",
        ),
        ngettext_lazy(
            "Has worked for %(count)d international development organisation",
            "Has worked for %(count)d international development organisations",
            "count",
        ),
    ),
    SectorHint(
        "sport",
        (
            "sports club",
            "football club",
            "sport",
            "athletics",
            "leisure centre",
            "league",
            "fitness",
            "gym",
        ),
        ngettext_lazy(
            "Has worked for %(count)d sports organisation",
            "Has worked for %(count)d sports organisations",
            "count",
        ),
    ),
    SectorHint(
        "business",
        (
            "small business",
            "startup",
            "start up",
            "sme",
            "retailer",
            "family business",
            "family firm",
            "family run business",
            "print shop",
            "printing business",
            "print business",
            "shop owner",
            "retail",
            "b2b",
            "high street",
        ),
        ngettext_lazy(
            "Has worked for %(count)d business", "Has worked for %(count)d businesses", "count"
        ),
    ),
)

SECTOR_HINTS_BY_SLUG: dict[str, SectorHint] = {h.slug: h for h in SECTOR_HINTS}


# Words that carry no meaning in a phrase: "look after our servers" is "look after server".
FILLER_WORDS = frozenset("a an the our my your their its this that these those some us me".split())
_TOKEN = re.compile(r"[a-z0-9]+")


_VOWELS = frozenset("aeiou")
# "-ing" nouns whose verb means something else: housing is not a house, marketing no market.
_KEEP_WHOLE = frozenset(
    "housing marketing during evening morning something nothing anything".split()
)


def _is_consonant(word: str, i: int) -> bool:
    char = word[i]
    if char in _VOWELS:
        return False
    # "y" is a vowel after a consonant ("by", "system"), a consonant at the start ("yard").
    return char != "y" or i == 0 or not _is_consonant(word, i - 1)


def _measure(stem: str) -> int:
    """Porter's m: how many vowel-consonant runs the stem has ("tr" 0, "host" 1, "updat" 2)."""
    forms = "".join("c" if _is_consonant(stem, i) else "v" for i in range(len(stem)))
    return len(re.findall(r"v+c+", forms))


def _has_vowel(stem: str) -> bool:
    return any(not _is_consonant(stem, i) for i in range(len(stem)))


def _ends_cvc(stem: str) -> bool:
    """Consonant, vowel, consonant (not w, x or y) at the end: "hop", "mak", "sit"."""
    return (
        len(stem) >= 3
        and _is_consonant(stem, len(stem) - 3)
        and not _is_consonant(stem, len(stem) - 2)
        and _is_consonant(stem, len(stem) - 1)
        and stem[-1] not in "wxy"
    )


def _stem(word: str) -> str:
    """A light English stemmer, run on both sides of every comparison.

    Plurals go ("charities" charity, "servers" server), then Porter's step 1b (-ed, -ing:
    "hosting", "hosted" host; "mapping" map; "updating" update) and its final-e rule, so
    "organise", "organised" and "organising" all read "organis". No more: "-er", "-ion" and
    the like change what a word means too often ("supporter" is no support, "printer" no
    print).
    """
    if len(word) <= 3 or not word.isalpha() or word in _KEEP_WHOLE:
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("eed"):
        if _measure(word[:-3]) > 0:
            word = word[:-1]
    elif word.endswith(("ed", "ing")):
        base = word[:-2] if word.endswith("ed") else word[:-3]
        if _has_vowel(base):
            if base.endswith(("at", "bl", "iz", "is")):
                base += "e"
            elif len(base) > 1 and base[-1] == base[-2] and base[-1] not in "lsz":
                base = base[:-1]
            elif (_measure(base) == 1 and _ends_cvc(base)) or len(base) < 3:
                base += "e"  # "making" make, "used" use
            word = base
    if word.endswith("e") and len(word) > 3:
        base = word[:-1]
        measure = _measure(base)
        if measure > 1 or (measure == 1 and not _ends_cvc(base)):
            word = base
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


def _scan_spans(
    words: list[str], table: _PhraseTable
) -> Iterable[tuple[int, int, tuple[str, ...], tuple]]:
    """The phrases of `table` in `words` with where they start and end, left to right,
    longest first, never overlapping."""
    n = len(words)
    free_from = 0
    # Only the words that start a phrase are looked at: matching scans hundreds of profiles
    # per brief, and most of their words start none.
    for i in [i for i, word in enumerate(words) if word in table]:
        if i < free_from:
            continue
        for phrase, values in table[words[i]]:
            end = i + len(phrase)
            if end <= n and (len(phrase) == 1 or tuple(words[i:end]) == phrase):
                yield i, end, phrase, values
                free_from = end
                break


# Words that deny what follows: "we don't do hosting", "we can't train you", "not WordPress".
# "t" is what tokens() leaves of "don't", "can't", "won't", "isn't".
NEGATIONS = frozenset({"not", "no", "t", "cannot", "never", "nor", "without"})
NEGATION_REACH = 3  # words before a phrase that a negation may stand in


def _negated(words: list[str], start: int) -> bool:
    return not NEGATIONS.isdisjoint(words[max(0, start - NEGATION_REACH) : start])


def _scan(words: list[str], table: _PhraseTable) -> Iterable[tuple[tuple[str, ...], tuple]]:
    """The phrases of `table` in `words`, left to right, longest first, never overlapping."""
    for _start, _end, phrase, values in _scan_spans(words, table):
        yield phrase, values


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
    # Words inside a longer phrase that says who the client is describe the client, not the
    # work: "a research group" wants something done, not research; "a film festival" may
    # want a website.
    client_spans = []
    for start, end, _phrase, slugs in _scan_spans(words, index.sectors):
        client_spans.append((start, end))
        for slug in slugs:
            if slug not in reading.sectors:
                reading.sectors.append(slug)
    for start, end, phrase, keys in _scan_spans(words, index.concepts):
        if any(a <= start and end <= b and b - a > end - start for a, b in client_spans):
            continue
        # "Not WordPress" rules a tool out; "we don't have a website" still asks for one, so
        # only technologies are read as refused.
        if _negated(words, start) and all(CONCEPTS_BY_KEY[k].kind == TECHNOLOGY for k in keys):
            continue
        for key in keys:
            if key not in reading.phrases:
                reading.concepts.append(key)
                reading.phrases[key] = " ".join(phrase)
    return reading


def sector_table(slugs: Iterable[str]) -> _PhraseTable:
    """The sector words of the sectors `slugs` only: matching looks for a few sectors in
    hundreds of profiles, and a small table rejects most words at once."""
    return _sector_table(frozenset(slugs))


@lru_cache(maxsize=256)
def _sector_table(slugs: frozenset[str]) -> _PhraseTable:
    return {
        first: kept
        for first, entries in _index().sectors.items()
        if (kept := [(p, tuple(k for k in v if k in slugs)) for p, v in entries if slugs & set(v)])
    }


def sectors_named(words: list[str], table: _PhraseTable) -> set[str]:
    """Sector slugs whose words a text (as `tokens` output) uses: a co-op that writes that it
    works "with charities and social enterprises" knows those clients."""
    if table.keys().isdisjoint(words):
        return set()
    return {slug for _phrase, slugs in _scan(words, table) for slug in slugs}


# Per position of a text where some evidence phrase starts: whether a negation stands before
# it, and every phrase matching there, longest first, as (end, concept keys).
EvidenceSpans = tuple[tuple[int, bool, tuple[tuple[int, tuple[str, ...]], ...]], ...]


def evidence_spans(words: list[str]) -> EvidenceSpans:
    """Every evidence phrase of the whole table in `words`, overlapping ones included.

    It depends on the text alone, so a process can keep it per profile; `counts_from_spans`
    then reads any brief's concepts out of it without scanning the text again: exactly what a
    left-to-right, longest-first scan for those concepts' phrases alone would find (a test
    checks it against that scan). Phrases in a concept's `brief_only` say too little in a
    profile and are not evidence.
    """
    table = _index().evidence
    n = len(words)
    spans = []
    for i in [i for i, word in enumerate(words) if word in table]:
        found = tuple(
            (i + len(phrase), values)
            for phrase, values in table[words[i]]
            if i + len(phrase) <= n
            and (len(phrase) == 1 or tuple(words[i : i + len(phrase)]) == phrase)
        )
        if found:
            spans.append((i, _negated(words, i), found))
    return tuple(spans)


def counts_from_spans(spans: EvidenceSpans, keys: frozenset[str]) -> dict[str, int]:
    """How many times a text (read by `evidence_spans`) shows each of the concepts `keys`: the
    left-to-right, longest-first, non-overlapping reading of their phrases, a phrase after a
    negation ("we don't do hosting") not counted."""
    found: dict[str, int] = {}
    free_from = 0
    for start, negated, matches in spans:
        if start < free_from:
            continue
        for end, values in matches:
            kept = [k for k in values if k in keys]
            if kept:
                free_from = end
                if not negated:
                    for key in kept:
                        found[key] = found.get(key, 0) + 1
                break
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
