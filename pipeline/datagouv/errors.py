"""Typed remote errors: each keeps the HTTP method, URL, status and server message, and says
in French what the officer should do. The API key never appears in them."""

from __future__ import annotations

from pipeline.errors import RemoteError
from pipeline.messages import VISIBLE


class ApiError(RemoteError):
    """An HTTP error answered by data.gouv.fr (or a transport failure, status None)."""

    advice = "Relancez la commande plus tard ; si l'erreur persiste, contactez data.gouv.fr."

    def __init__(
        self,
        method: str,
        url: str,
        status: int | None = None,
        server_message: str = "",
        sentry_id: str | None = None,
    ):
        self.method = method
        self.url = url
        self.status = status
        self.server_message = server_message
        self.sentry_id = sentry_id
        super().__init__(self._french())

    def _french(self) -> str:
        where = f"{self.method} {self.url}"
        status = f"HTTP {self.status}" if self.status else "pas de réponse"
        said = f" — réponse du serveur : « {self.server_message} »" if self.server_message else ""
        sentry = f" (identifiant Sentry à citer : {self.sentry_id})" if self.sentry_id else ""
        text = f"{self.summary} ({status}, {where}){said}{sentry}. {self.advice}"
        return text.translate(VISIBLE)  # what a server says never drives the terminal

    summary = "data.gouv.fr a renvoyé une erreur"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.method!r}, {self.url!r}, status={self.status!r})"


class BadRequest(ApiError):
    summary = "data.gouv.fr a refusé la requête"
    advice = (
        "Vérifiez les métadonnées du paquet (titre, mots-clés, couverture) ; si elles sont "
        "correctes, signalez l'erreur à l'équipe du pipeline."
    )


class Unauthorized(ApiError):
    summary = "La clé d'API data.gouv.fr est refusée (absente, invalide, révoquée ou expirée)"
    advice = (
        "Créez une nouvelle clé dans votre espace data.gouv.fr (Profil > Clés d'API) sur la "
        "plateforme visée (demo et www ont des comptes distincts), puis exportez-la dans la "
        "variable d'environnement DATAGOUV_API_KEY."
    )


class Forbidden(ApiError):
    summary = "Le compte de cette clé n'a pas le droit de modifier cet objet"
    advice = (
        "Demandez à un administrateur de l'organisation sur data.gouv.fr de vous ajouter comme "
        "membre (rôle éditeur ou administrateur), ou utilisez la clé d'un membre."
    )


class NotFound(ApiError):
    summary = "Objet introuvable sur data.gouv.fr"
    advice = (
        "Vérifiez l'identifiant ou le slug, la plateforme visée (--to / --from) et, pour "
        "l'organisation, la clé datagouv.organization de pipeline.json."
    )


class Gone(ApiError):
    summary = "Ce jeu de données a été supprimé sur data.gouv.fr"
    advice = (
        "Restaurez-le depuis l'interface de data.gouv.fr, ou retirez sa clé pipeline:dataset "
        "pour que le pipeline en crée un nouveau."
    )


class TooLarge(ApiError):
    summary = "Fichier ou requête trop volumineux pour data.gouv.fr"
    advice = (
        "Le pipeline envoie par morceaux au-delà de 20 Mo ; si l'erreur persiste, réduisez la "
        "taille du fichier ou contactez data.gouv.fr."
    )


class ReadOnly(ApiError):
    summary = "data.gouv.fr est en lecture seule (création désactivée)"
    advice = "Relancez plus tard : rien n'a été modifié par cette requête."


class RateLimited(ApiError):
    summary = "data.gouv.fr limite le nombre de requêtes"
    advice = "Attendez quelques minutes puis relancez : une publication reprend où elle en était."


class ServerError(ApiError):
    summary = "data.gouv.fr est en erreur ou indisponible"
    advice = "Relancez plus tard ; une publication est idempotente et reprend où elle en était."


class RemoteTimeout(ApiError):
    summary = "data.gouv.fr n'a pas répondu à temps"
    advice = (
        "Relancez plus tard ; une publication vérifie ce qui a déjà été reçu avant de "
        "renvoyer quoi que ce soit."
    )


class RemoteConnectionError(ApiError):
    summary = "Connexion à data.gouv.fr impossible ou interrompue"
    advice = "Vérifiez l'accès réseau et l'adresse de la plateforme (--to / --from), puis relancez."


class MalformedAnswer(ApiError):
    summary = "data.gouv.fr a renvoyé une réponse inattendue"
    advice = (
        "Vérifiez l'adresse de la plateforme (--to / --from) : ce serveur ne répond pas comme "
        "l'API de data.gouv.fr. Si elle est juste, relancez plus tard."
    )


class TooLargeAnswer(ApiError):
    summary = "Réponse trop volumineuse, lecture interrompue"
    advice = "Vérifiez l'adresse demandée : ce n'est pas un fichier d'un paquet publié."


class DatasetDeleted(RemoteError):
    """The dataset of a package was deleted by hand on the platform: refused before any write
    (udata answers 410 to every change, and a silent re-creation would undo the deletion)."""

    def __init__(self, name: str, dataset: dict, base_url: str):
        self.name = name
        when = str(dataset.get("deleted") or "")[:10]
        super().__init__(
            f"Le jeu de données du paquet {name} (identifiant {dataset.get('id')}, "
            f"« {dataset.get('slug')} ») a été supprimé sur {base_url}"
            + (f" le {when}" if when else "")
            + " : rien n'a été publié. Si la suppression est une erreur, faites restaurer le "
            "jeu (par l'équipe de data.gouv.fr) puis relancez la publication ; si elle est "
            f"voulue, retirez le dossier schemas/{name}/ du dépôt. Le pipeline ne recrée pas de lui-même "
            "un jeu supprimé à la main."
        )


class LicenseRejected(RemoteError):
    """udata stored another licence than the one sent (unknown ids become `notspecified`)."""


def error_for_status(status: int) -> type[ApiError]:
    if status == 400:
        return BadRequest
    if status == 401:
        return Unauthorized
    if status == 403:
        return Forbidden
    if status == 404:
        return NotFound
    if status == 410:
        return Gone
    if status == 413:
        return TooLarge
    if status == 423:
        return ReadOnly
    if status == 429:
        return RateLimited
    if status >= 500:
        return ServerError
    return ApiError
