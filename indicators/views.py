from django.contrib.auth.decorators import permission_required
from django.shortcuts import render

from cases.models import Bureau

from .compute import compute
from .registry import Period


@permission_required("indicators.view_dashboard", raise_exception=True)
def dashboard(request):
    bureau = Bureau.current()
    year = int(request.GET.get("year") or 2024)
    figures = compute(bureau.pk, Period.year(year))
    return render(
        request,
        "indicators/dashboard.html",
        {"bureau": bureau, "year": year, "figures": figures.values()},
    )
