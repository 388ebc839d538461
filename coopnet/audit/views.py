from django.http import HttpResponse


def audit_log(request):
    return HttpResponse("coming soon")
