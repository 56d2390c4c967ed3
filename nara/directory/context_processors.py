from nara.directory.roles import Capability


def assignment(request):
    actor = getattr(request, "actor", None)
    return {
        "actor": actor,
        "assignment": getattr(request, "assignment", None),
        "can": {c.value: bool(actor and actor.can(c)) for c in Capability},
    }
