from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def submit(request: HttpRequest) -> HttpResponse:
    return render(request, "feedback/submit.html")


def track(request: HttpRequest) -> HttpResponse:
    return render(request, "feedback/track.html")
