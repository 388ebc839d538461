"""Pages of coopnet.referrals."""

from django.http import HttpResponse


def referral_list(request):
    return HttpResponse("placeholder")
