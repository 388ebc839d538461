"""The matching API: a brief in plain words to a ranked, explained shortlist."""

from ninja import Router

router = Router(tags=["matching"])
