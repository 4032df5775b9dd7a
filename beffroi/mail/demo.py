"""Ville-Exemple's mail (``beffroi demo seed``): the commune's domain with a mailbox per agent,
the shared mailbox urbanisme@ with its delegations, and a few hundred messages of history.

Everything goes through the real actions: the domain through ``do_add_domain`` (which gives
every agent of the domain a mailbox), the shared mailbox and its delegations through theirs,
and every message through ``do_deliver`` (raw RFC 5322 bytes, stored as blobs, indexed and
threaded as mail from the MX would be), flags and moves through ``do_set_flags`` and
``do_move``. The history: residents' requests to the services and to urbanisme@, threads
between services with replies (``In-Reply-To`` and ``References``), a building permit file with
its attachment, newsletters from the intercommunality; older messages read, some flagged, a few
archived. Seeding again on an instance that already has the domain's shared mailbox adds
nothing.
"""

from __future__ import annotations

import base64
import datetime
import random
from dataclasses import dataclass
from email.utils import format_datetime

from django.utils import timezone

from beffroi.directory.demo import DOMAIN, DemoCommune
from beffroi.directory.models import Agent, DepartmentMembership
from beffroi.mail.actions import (
    do_add_domain,
    do_create_shared_mailbox,
    do_deliver,
    do_grant_delegation,
    do_move,
    do_set_flags,
)
from beffroi.mail.models import Domain, Folder, Mailbox, Message

SHARED = f"urbanisme@{DOMAIN}"

RESIDENTS = [
    ("Martine Lefèvre", "martine.lefevre@courriel.example"),
    ("Ahmed Haddad", "a.haddad@fournisseur.example"),
    ("Sophie Marchand", "sophie.marchand@courriel.example"),
    ("Jean-Pierre Roussel", "jp.roussel@fournisseur.example"),
    ("Camille Nguyen", "camille.nguyen@courriel.example"),
    ("Lucas Fontaine", "lucas.fontaine@courriel.example"),
    ("Fatima Benchekroun", "f.benchekroun@fournisseur.example"),
    ("Pierre Vasseur", "pierre.vasseur@courriel.example"),
]
STREETS = [
    "rue des Tilleuls", "avenue de la République", "chemin du Moulin", "place de l'Église",
    "rue Victor-Hugo", "impasse des Lilas", "route de Saint-Martin", "allée des Peupliers",
]  # fmt: skip

# Subject, body (with {street}, {name}); what residents write to the urbanism service.
URBANISM_REQUESTS = [
    ("Déclaration préalable pour une clôture",
     "Je souhaite remplacer la haie de ma propriété, {street}, par une clôture en bois d'un "
     "mètre quatre-vingts. Faut-il déposer une déclaration préalable ?"),
    ("Certificat d'urbanisme",
     "Nous vendons la parcelle AB 112, {street}. Le notaire nous demande un certificat "
     "d'urbanisme d'information : pouvez-vous nous indiquer la marche à suivre ?"),
    ("Abri de jardin",
     "Un abri de jardin de 12 m² au fond de mon terrain, {street}, demande-t-il une "
     "autorisation ? Le terrain est en zone UB du PLU."),
    ("Panneaux solaires en toiture",
     "Je voudrais poser des panneaux photovoltaïques sur le toit de ma maison, {street}. "
     "La maison est-elle dans le périmètre des monuments historiques ?"),
    ("Consultation du PLU",
     "Où puis-je consulter le plan local d'urbanisme en vigueur et le règlement de la zone "
     "du {street} ?"),
]  # fmt: skip
SERVICE_REQUESTS = [
    ("VOIRIE", "Nid-de-poule dangereux",
     "Un nid-de-poule s'est formé devant le numéro 14, {street}. Deux cyclistes ont déjà "
     "failli tomber. Pouvez-vous intervenir rapidement ?"),
    ("VOIRIE", "Éclairage public en panne",
     "Trois lampadaires sont éteints depuis une semaine, {street}. Le soir, le trottoir "
     "est complètement noir."),
    ("ETAT-CIVIL", "Copie intégrale d'acte de naissance",
     "Je suis née à Ville-Exemple en 1984 et j'ai besoin d'une copie intégrale de mon acte "
     "de naissance pour un dossier de mariage."),
    ("ETAT-CIVIL", "Rendez-vous pour une carte d'identité",
     "Je souhaite prendre rendez-vous pour renouveler ma carte nationale d'identité. "
     "Quels sont les créneaux disponibles ?"),
    ("EDUCATION", "Inscription à la cantine",
     "Notre fils entre en CP à l'école Jules-Ferry en septembre. Comment l'inscrire à la "
     "restauration scolaire et au périscolaire du mercredi ?"),
    ("ESPACES-VERTS", "Arbre menaçant de tomber",
     "Le grand platane du square, {street}, penche de plus en plus depuis la tempête. "
     "Il surplombe l'aire de jeux."),
]  # fmt: skip
# Between services: the first service asks, the second answers, the first thanks.
INTERNAL_THREADS = [
    ("FINANCES", "VOIRIE", "Bons de commande enrobé",
     "Pourriez-vous me transmettre les bons de commande d'enrobé du trimestre ? Il manque "
     "deux factures pour le mandatement.",
     "Voici les références : BC 2026-114 et BC 2026-131. Les factures sont arrivées au "
     "service technique, je vous les fais passer.",
     "Merci, c'est complet, le mandatement part demain."),
    ("RH", "EDUCATION", "Remplacements de décembre",
     "Pouvez-vous me communiquer la liste des remplacements d'ATSEM prévus en décembre, "
     "pour préparer les contrats ?",
     "Deux remplacements : école Jules-Ferry du 7 au 18 décembre, école Pasteur le 14. "
     "Je vous envoie les noms par retour.",
     "Bien reçu, les contrats seront prêts vendredi."),
    ("CABINET", "BATIMENTS", "Salle des fêtes pour les vœux du maire",
     "La cérémonie des vœux aura lieu le 9 janvier à 18 h 30. La salle des fêtes sera-t-elle "
     "chauffée et la sonorisation vérifiée ?",
     "Le chauffage sera lancé la veille et la sono testée le 8 au matin. Il faudra prévoir "
     "deux agents pour l'installation des chaises.",
     "Parfait, je réserve deux agents auprès des services techniques."),
    ("DGS", "FINANCES", "Préparation du budget primitif 2027",
     "Merci de me faire parvenir la première version des propositions de la section de "
     "fonctionnement avant le conseil du 15.",
     "Première version jointe au dossier partagé « Budget primitif 2027 ». Les dépenses "
     "d'énergie restent l'incertitude principale.",
     "Merci, j'inscris le point à la réunion de direction de lundi."),
    ("POLICE", "VOIRIE", "Signalisation du marché de Noël",
     "Pour le marché de Noël, il faudrait des barrières et des panneaux de déviation rue "
     "Victor-Hugo du 12 au 14 décembre.",
     "Vingt barrières et quatre panneaux seront posés le 11 au soir, déposés le 15 au matin.",
     "Merci, j'informe les commerçants et je prends l'arrêté de circulation."),
]  # fmt: skip
NEWSLETTERS = [
    "Lettre d'information de la communauté de communes",
    "Les actualités de la médiathèque intercommunale",
    "Collecte des déchets : calendrier et consignes",
]
PERMIT = "PC 099999 26 00012"


@dataclass
class _Mail:
    """The demo's clock and message numbers (dates spread over the last ten weeks)."""

    random: random.Random
    serial: int = 0

    def message_id(self) -> str:
        self.serial += 1
        return f"<demo-{self.serial:05d}@{DOMAIN}>"

    def date(self, days_ago: float) -> str:
        when = timezone.now() - datetime.timedelta(
            days=days_ago, minutes=self.random.randint(0, 600)
        )
        return format_datetime(when.astimezone(datetime.UTC))


def _raw(
    *,
    sender: str,
    to: str,
    subject: str,
    body: str,
    message_id: str,
    date: str,
    replying_to: list[str] | None = None,
    headers: str = "",
) -> bytes:
    thread = ""
    if replying_to:
        thread = f"In-Reply-To: {replying_to[-1]}\r\nReferences: {' '.join(replying_to)}\r\n"
    text = (
        f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: {date}\r\n"
        f"Message-ID: {message_id}\r\n{thread}{headers}MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        f"{body}\r\n"
    )
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode()


def _who(agent: Agent) -> str:
    return f"{agent.get_full_name() or agent.username} <{agent.email}>"


def _members(code: str) -> list[Agent]:
    return [
        membership.agent
        for membership in DepartmentMembership.objects.filter(department__code=code)
        .select_related("agent")
        .order_by("-is_manager", "agent__last_name", "agent__username")
    ]


def _signature(agent: Agent) -> str:
    return f"\n\n{agent.get_full_name()}\n{agent.job_title or ''}\nMairie de Ville-Exemple"


def _send_internal(writer: Agent, reader: Agent, raw: bytes) -> None:
    """An agent's message to a colleague: in the colleague's inbox, and in the writer's Sent
    (read, as one's own sent mail is)."""
    do_deliver(raw, writer.email, [reader.email])
    do_deliver(
        raw, writer.email, [writer.email], special_use=Folder.SpecialUse.SENT, flags={"seen"}
    )


def _residents_write(mail: _Mail) -> int:
    rng = mail.random
    count = 0
    for round_number in range(12):
        for subject, body in URBANISM_REQUESTS:
            name, address = rng.choice(RESIDENTS)
            raw = _raw(
                sender=f"{name} <{address}>",
                to=f"Service urbanisme <{SHARED}>",
                subject=subject,
                body=f"Bonjour,\n\n{body.format(street=rng.choice(STREETS), name=name)}\n\n"
                f"Bien cordialement,\n{name}",
                message_id=mail.message_id(),
                date=mail.date(70 - round_number * 5.5 - rng.random() * 3),
            )
            do_deliver(raw, address, [SHARED], from_outside=True)
            count += 1
        for code, subject, body in SERVICE_REQUESTS:
            agents = _members(code)
            if not agents:
                continue
            reader = agents[round_number % len(agents)]
            name, address = rng.choice(RESIDENTS)
            raw = _raw(
                sender=f"{name} <{address}>",
                to=_who(reader),
                subject=subject,
                body=f"Madame, Monsieur,\n\n{body.format(street=rng.choice(STREETS))}\n\n"
                f"Avec mes remerciements,\n{name}",
                message_id=mail.message_id(),
                date=mail.date(70 - round_number * 5.5 - rng.random() * 3),
            )
            do_deliver(raw, address, [reader.email], from_outside=True)
            count += 1
    return count


def _services_talk(mail: _Mail) -> int:
    count = 0
    for repeat in range(6):
        for first_code, second_code, subject, ask, answer, thanks in INTERNAL_THREADS:
            firsts, seconds = _members(first_code), _members(second_code)
            if not firsts or not seconds:
                continue
            asking = firsts[repeat % len(firsts)]
            answering = seconds[repeat % len(seconds)]
            days = 65 - repeat * 10 - mail.random.random() * 5
            titled = subject if repeat == 0 else f"{subject} ({repeat + 1})"
            references: list[str] = []
            for step, (writer, reader, text) in enumerate(
                [(asking, answering, ask), (answering, asking, answer), (asking, answering, thanks)]
            ):
                message_id = mail.message_id()
                raw = _raw(
                    sender=_who(writer),
                    to=_who(reader),
                    subject=titled if step == 0 else f"RE: {titled}",
                    body=f"Bonjour,\n\n{text}{_signature(writer)}",
                    message_id=message_id,
                    date=mail.date(days - step * 0.3),
                    replying_to=references or None,
                )
                _send_internal(writer, reader, raw)
                references.append(message_id)
                count += 2
    return count


def _permit_file(mail: _Mail, instructor: Agent, head: Agent) -> int:
    """The building permit of the Lambert architects: filing, a request for a missing piece
    with the plan attached, the answer, and the instructor's note to the head of service."""
    architect = "Hélène Lambert <h.lambert@lambert-architectes.example>"
    references: list[str] = []
    steps = [
        (architect, f"Service urbanisme <{SHARED}>", f"Dépôt du permis de construire {PERMIT}",
         "Veuillez trouver ci-joint le dossier de permis de construire pour l'extension de la "
         "maison de M. et Mme Roussel, 8 chemin du Moulin."),
        (f"Service urbanisme <{SHARED}>", architect, f"RE: Dépôt du permis de construire {PERMIT}",
         "Le dossier est incomplet : il manque la notice PCMI4 et le plan de coupe PCMI3. "
         "Le délai d'instruction court à partir de la réception des pièces."),
        (architect, f"Service urbanisme <{SHARED}>", f"RE: Dépôt du permis de construire {PERMIT}",
         "Voici les pièces manquantes. Le plan de coupe est joint à ce message."),
        (_who(instructor), _who(head), f"Avis sur le {PERMIT}",
         "Dossier complet depuis hier. Avis favorable de l'architecte des bâtiments de France "
         "attendu sous un mois ; je propose un arrêté avec prescriptions sur les menuiseries."),
    ]  # fmt: skip
    outside = "h.lambert@lambert-architectes.example"
    for number, (sender, to, subject, text) in enumerate(steps):
        message_id = mail.message_id()
        raw = _raw(
            sender=sender, to=to, subject=subject, body=f"Bonjour,\n\n{text}\n\nCordialement",
            message_id=message_id, date=mail.date(20 - number * 2),
            replying_to=references or None,
        )  # fmt: skip
        if number in (0, 2):
            if number == 2:
                raw = _with_attachment(raw, "PCMI3-plan-de-coupe.pdf")
            do_deliver(raw, outside, [SHARED], from_outside=True)
        elif number == 1:
            # Sent from urbanisme@ by the instructor (send as): kept in the service's Sent.
            do_deliver(raw, SHARED, [SHARED], special_use=Folder.SpecialUse.SENT, flags={"seen"})
        else:
            _send_internal(instructor, head, raw)
        references.append(message_id)
    return 5


def _with_attachment(raw: bytes, filename: str) -> bytes:
    """The message made multipart, with a small PDF attached."""
    head, _separator, body = raw.partition(b"\r\n\r\n")
    lines = [line for line in head.split(b"\r\n") if not line.lower().startswith(b"content-")]
    boundary = b"=_beffroi_demo_permis"
    pdf = (
        base64.encodebytes(b"%PDF-1.4\n1 0 obj <</Type/Catalog>> endobj\ntrailer <<>>\n%%EOF\n")
        .replace(b"\n", b"\r\n")
        .rstrip()
    )
    parts = [
        b"\r\n".join(lines),
        b'Content-Type: multipart/mixed; boundary="' + boundary + b'"',
        b"",
        b"--" + boundary,
        b"Content-Type: text/plain; charset=utf-8",
        b"Content-Transfer-Encoding: 8bit",
        b"",
        body.rstrip(b"\r\n"),
        b"--" + boundary,
        b'Content-Type: application/pdf; name="' + filename.encode() + b'"',
        b'Content-Disposition: attachment; filename="' + filename.encode() + b'"',
        b"Content-Transfer-Encoding: base64",
        b"",
        pdf,
        b"--" + boundary + b"--",
        b"",
    ]
    return b"\r\n".join(parts)


def _newsletters(mail: _Mail, readers: list[Agent]) -> int:
    count = 0
    for week in range(8):
        for number, title in enumerate(NEWSLETTERS):
            if (week + number) % 2:
                continue
            raw = _raw(
                sender="Communauté de communes <lettre@cc-exemple.example>",
                to="Abonnés <lettre@cc-exemple.example>",
                subject=f"{title} — semaine {48 - week}",
                body=f"{title}\n\nAu sommaire cette semaine : les travaux de la piscine "
                "intercommunale, les horaires d'hiver des déchèteries, l'agenda culturel.\n\n"
                "Pour vous désabonner, répondez à ce message.",
                message_id=mail.message_id(),
                date=mail.date(week * 7 + number),
                headers="List-Id: Lettre de la CC <lettre.cc-exemple.example>\r\n"
                "List-Unsubscribe: <mailto:lettre@cc-exemple.example?subject=desabonnement>\r\n"
                "Precedence: list\r\n",
            )
            do_deliver(
                raw, "lettre@cc-exemple.example", [a.email for a in readers], from_outside=True
            )
            count += len(readers)
    return count


def _tidy(mail: _Mail) -> None:
    """Flags and folders as people leave them: what is over a week old is read, one message in
    eight flagged, the oldest threads of each agent archived. Each owner does it (delegates of
    urbanisme@ through their delegation)."""
    rng = mail.random
    week_ago = timezone.now() - datetime.timedelta(days=7)
    for mailbox in Mailbox.objects.filter(folders__messages__isnull=False).distinct():
        user = mailbox.owner or _first_delegate(mailbox)
        if user is None:
            continue
        inbox = Folder.objects.get(mailbox=mailbox, special_use=Folder.SpecialUse.INBOX)
        messages = list(Message.objects.filter(folder=inbox).order_by("date", "uid"))
        old = [m.uid for m in messages if m.date is not None and m.date < week_ago]
        read = [uid for uid in old if rng.random() < 0.85]
        do_set_flags(user, inbox, read, add={"seen"})
        flagged = [m.uid for m in messages if rng.random() < 0.125]
        do_set_flags(user, inbox, flagged, add={"flagged"})
        archive = Folder.objects.get(mailbox=mailbox, special_use=Folder.SpecialUse.ARCHIVE)
        oldest = old[: max(0, len(old) // 6)]
        if oldest:
            do_move(user, inbox, oldest, archive)


def _first_delegate(mailbox: Mailbox) -> Agent | None:
    delegation = mailbox.delegations.filter(agent__isnull=False).order_by("created_at").first()
    return None if delegation is None else delegation.agent


def seed_mail(commune: DemoCommune) -> None:
    if Mailbox.objects.filter(address=SHARED).exists():
        commune.say(f"Messagerie : déjà en place ({SHARED} existe), rien d'ajouté.")
        return
    administrator = commune.administrator
    domain = Domain.objects.filter(name=DOMAIN).first() or do_add_domain(
        DOMAIN, acting=administrator
    )
    shared = do_create_shared_mailbox(SHARED, "Service urbanisme", acting=administrator)
    urbanism = _members("URBANISME")
    for agent in urbanism:
        do_grant_delegation(shared, agent, read=True, send_as=True, acting=administrator)
    # The head of the technical services follows the permits, without answering in its name.
    technical = _members("TECHNIQUES")[:1]
    for agent in technical:
        do_grant_delegation(shared, agent, read=True, acting=administrator)

    mail = _Mail(random=random.Random(commune.random.random()))  # noqa: S311 - demo content
    count = _residents_write(mail)
    count += _services_talk(mail)
    if len(urbanism) >= 2:
        count += _permit_file(mail, urbanism[1], urbanism[0])
    readers = [
        agent
        for code in ("DGS", "CABINET", "TECHNIQUES", "FINANCES", "URBANISME")
        for agent in _members(code)[:2]
    ]
    count += _newsletters(mail, readers)
    _tidy(mail)
    commune.say(
        f"Messagerie : domaine {domain.name}, {domain.mailboxes.count()} boîtes aux lettres "
        f"dont {SHARED} ({len(urbanism) + len(technical)} délégations), {count} messages remis."
    )
