from django.shortcuts import render


def search(request):
    return render(request, "base.html")


def overview(request, person_id):
    return render(request, "base.html")
