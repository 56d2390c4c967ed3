from django.shortcuts import render


def emergency_followup(request):
    return render(request, "base.html")
