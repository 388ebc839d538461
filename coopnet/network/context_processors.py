from coopnet.network.models import NetworkSettings


def network(request):
    """The network's name and tagline, for every page's header and footer."""
    return {"network": NetworkSettings.load()}
