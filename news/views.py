from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def article_list(request: HttpRequest) -> HttpResponse:
    return render(request, "news/article_list.html")
