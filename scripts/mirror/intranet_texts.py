"""Text of the two test intranets: invented internal procedures for professionals.

Everything here is FICTIONAL TEST CONTENT written for the mirror: form codes, delays and internal
steps are made up so that professional questions have answers that exist only behind a login.
Institution names, phones and e-mails are never written here: ``{ref:<id>}`` placeholders are
filled from the corpus record (name only) and ``("ref", id)`` blocks render the record's contact
facts, so no contact fact is invented.

Blocks: ``("h2", text)``, ``("p", text)``, ``("ul", [items])``, ``("ol", [items])``,
``("table", [(cell, cell), …])`` (first row is the header), ``("ref", institution_id)``,
``("gsr_table", "")`` (communes per regional social counter, from the corpus).
"""

from __future__ import annotations

from dataclasses import dataclass

Block = tuple[str, str | list[str] | list[tuple[str, str]]]


@dataclass(frozen=True)
class IntranetPage:
    """One page: URL slug under ``/procedures/``, title, group for the index, blocks."""

    slug: str
    title: str
    group: str
    blocks: tuple[Block, ...]


GROUP_ORDER = (
    "Accueil et orientation",
    "Aides financières",
    "Protection et urgences",
    "Publics spécifiques",
)

PAGES: tuple[IntranetPage, ...] = (
    IntranetPage(
        "orienter-vers-le-guichet-social",
        "Orienter une personne vers le guichet social régional",
        "Accueil et orientation",
        (
            (
                "p",
                "Le guichet social régional (GSR) est la porte d'entrée unique pour l'aide "
                "sociale, les subsides "
                "LAMal, les avances de pensions alimentaires et les bourses. On oriente "
                "toujours vers le GSR de la "
                "commune de domicile, jamais vers celui du lieu de travail.",
            ),
            ("h2", "Étapes"),
            (
                "ol",
                [
                    (
                        "Vérifier la commune de domicile officielle de la personne (attestation "
                        "de domicile si doute)."
                    ),
                    "Trouver le GSR compétent dans le tableau ci-dessous.",
                    (
                        "Remplir le formulaire interne F-12 « Orientation GSR » (fictif) et le "
                        "remettre à la personne."
                    ),
                    (
                        "Avec l'accord écrit de la personne, envoyer une copie du F-12 au GSR "
                        "par la messagerie sécurisée."
                    ),
                    (
                        "Noter l'orientation dans le dossier sous la rubrique « Réseau » avec la "
                        "date d'envoi."
                    ),
                ],
            ),
            (
                "p",
                "Délai interne (fictif): le GSR propose un premier rendez-vous dans les 10 "
                "jours ouvrables. Si la "
                "personne n'a pas de nouvelles après ce délai, le professionnel référent "
                "relance lui-même.",
            ),
            ("h2", "Quel GSR pour quelle commune"),
            ("gsr_table", ""),
        ),
    ),
    IntranetPage(
        "repartition-des-offices",
        "Quel office traite quel cas",
        "Accueil et orientation",
        (
            (
                "p",
                (
                    "Tableau de répartition utilisé lors des colloques d'orientation (version "
                    "interne fictive)."
                ),
            ),
            (
                "table",
                [
                    ("Situation", "Service compétent"),
                    (
                        "Demande d'aide sociale, dettes de loyer, besoin d'un budget d'urgence",
                        "{ref:service-action-sociale} via le GSR de domicile",
                    ),
                    (
                        "Subside d'assurance-maladie, bourse d'études",
                        "{ref:ocab-subsides-lamal-bourses}",
                    ),
                    ("Pension alimentaire impayée", "{ref:orace-avances-pensions}"),
                    (
                        "Rente AVS, prestations complémentaires, allocations familiales",
                        "{ref:caisse-cantonale-compensation}",
                    ),
                    (
                        "Atteinte à la santé durable, maintien en emploi",
                        "{ref:office-ai-neuchatel}",
                    ),
                    (
                        "Perte d'emploi, inscription au chômage",
                        "{ref:service-emploi} (ORP de la région)",
                    ),
                    ("Indemnités de chômage", "{ref:caisse-chomage-ccnac}"),
                    ("Permis de séjour, regroupement familial", "{ref:service-migrations}"),
                    (
                        "Intégration, cours de langue, interprétariat",
                        "{ref:cosm-cohesion-multiculturelle}",
                    ),
                    ("Enfant en danger", "{ref:office-protection-enfant}"),
                    (
                        "Adulte qui ne peut plus gérer ses affaires",
                        "{ref:apea-neuchatel} puis {ref:office-protection-adulte}",
                    ),
                    ("Victime de violence", "{ref:savi-aide-aux-victimes}"),
                    ("Recherche de logement social", "{ref:office-cantonal-logement}"),
                    ("Frais d'avocat", "{ref:assistance-judiciaire}"),
                ],
            ),
            (
                "p",
                "Règle interne (fictive): en cas de doute entre deux services, on oriente "
                "vers le GSR, qui "
                "transmet. On ne renvoie jamais une personne sans lui remettre le nom du "
                "service et un moyen de contact.",
            ),
        ),
    ),
    IntranetPage(
        "premier-entretien",
        "Conduire le premier entretien d'orientation",
        "Accueil et orientation",
        (
            (
                "p",
                (
                    "Le premier entretien dure 45 minutes au plus (durée fictive). Il sert à "
                    "comprendre la demande, pas à la traiter."
                ),
            ),
            (
                "ul",
                [
                    (
                        "Demander si la personne souhaite un interprète; le réserver avant le "
                        "deuxième rendez-vous."
                    ),
                    "Faire la liste des revenus, des dettes urgentes et des démarches déjà faites.",
                    (
                        "Vérifier l'assurance-maladie: une prime impayée est un signal "
                        "d'orientation vers le subside."
                    ),
                    (
                        "Expliquer le secret de fonction et faire signer le consentement à "
                        "l'échange d'informations (formulaire F-03, fictif)."
                    ),
                    (
                        "Remettre la check-list des documents (voir Documents) avant la fin de "
                        "l'entretien."
                    ),
                ],
            ),
        ),
    ),
    IntranetPage(
        "dossier-aide-sociale",
        "Documents pour une demande d'aide sociale",
        "Aides financières",
        (
            (
                "p",
                (
                    "Liste interne des pièces à réunir avant le rendez-vous au GSR (check-list "
                    "fictive, version 3)."
                ),
            ),
            (
                "ul",
                [
                    "pièce d'identité ou permis de séjour de chaque membre du ménage",
                    "contrat de bail et dernier avis de loyer",
                    "relevés de tous les comptes bancaires et postaux des trois derniers mois",
                    (
                        "fiches de salaire, décisions de chômage, de rentes ou d'indemnités des "
                        "trois derniers mois"
                    ),
                    "police et décompte de primes de l'assurance-maladie",
                    "dernière décision de taxation fiscale",
                    "jugement ou convention fixant une pension alimentaire, s'il y en a une",
                    "factures urgentes en souffrance (électricité, loyer, frais médicaux)",
                ],
            ),
            (
                "p",
                "Un dossier incomplet n'empêche pas le premier rendez-vous: le GSR ouvre une "
                "aide d'urgence si la "
                "situation l'exige et fixe un délai de 30 jours (fictif) pour compléter les "
                "pièces.",
            ),
            ("ref", "service-action-sociale"),
        ),
    ),
    IntranetPage(
        "subside-lamal",
        "Préparer une demande de subside LAMal",
        "Aides financières",
        (
            (
                "p",
                "Les subsides sont accordés par l'office cantonal compétent; la demande "
                "passe par le GSR de domicile "
                "quand la personne n'a pas reçu de subside d'office.",
            ),
            ("h2", "Documents à joindre"),
            (
                "ul",
                [
                    (
                        "dernière décision de taxation ou, à défaut, justificatifs de revenus de "
                        "l'année en cours"
                    ),
                    "police d'assurance-maladie de l'année en cours pour chaque membre du ménage",
                    "attestation de domicile",
                    (
                        "en cas de changement de situation (séparation, perte d'emploi): pièce "
                        "qui le prouve"
                    ),
                ],
            ),
            (
                "p",
                "Astuce interne (fictive): joindre le formulaire F-21 « Changement de "
                "situation » accélère le "
                "traitement lorsque la taxation ne reflète plus les revenus actuels.",
            ),
            ("ref", "ocab-subsides-lamal-bourses"),
        ),
    ),
    IntranetPage(
        "avance-pensions-alimentaires",
        "Demander une avance de pension alimentaire",
        "Aides financières",
        (
            (
                "p",
                "Quand le parent débiteur ne paie pas la pension fixée, l'office compétent "
                "peut avancer tout ou "
                "partie du montant et se charge du recouvrement.",
            ),
            ("h2", "Conditions vérifiées avant l'orientation"),
            (
                "ul",
                [
                    (
                        "un titre exécutoire existe (jugement ou convention ratifiée fixant la "
                        "pension)"
                    ),
                    "la personne créancière et l'enfant sont domiciliés dans le canton",
                    (
                        "les pensions des deux derniers mois au moins n'ont pas été payées "
                        "(seuil fictif)"
                    ),
                ],
            ),
            ("h2", "Documents"),
            (
                "ul",
                [
                    "copie du jugement ou de la convention ratifiée",
                    "décompte des montants reçus et manquants",
                    "justificatifs de revenus du ménage",
                    "pièce d'identité",
                ],
            ),
            ("ref", "orace-avances-pensions"),
        ),
    ),
    IntranetPage(
        "bourses-etudes",
        "Orientation pour une bourse d'études",
        "Aides financières",
        (
            (
                "p",
                "Les jeunes en formation et leurs parents sont orientés vers l'office "
                "cantonal; le GSR aide à "
                "remplir la demande si la famille le souhaite.",
            ),
            (
                "ul",
                [
                    "attestation d'inscription à la formation",
                    "décisions de taxation des parents",
                    "budget de formation (formulaire interne F-30, fictif)",
                ],
            ),
            (
                "p",
                (
                    "Date interne de rappel (fictive): les demandes de la rentrée d'automne sont "
                    "à déposer avant la fin octobre."
                ),
            ),
            ("ref", "ocab-subsides-lamal-bourses"),
        ),
    ),
    IntranetPage(
        "surendettement",
        "Orienter une personne surendettée",
        "Aides financières",
        (
            (
                "p",
                "Ne jamais proposer de rachat de crédit. On oriente vers un service "
                "spécialisé de désendettement "
                "après avoir fait la liste des dettes et des poursuites.",
            ),
            (
                "ol",
                [
                    "Demander un extrait du registre des poursuites.",
                    (
                        "Classer les dettes: loyer et assurance-maladie en premier (risque "
                        "d'expulsion et de suspension)."
                    ),
                    "Orienter vers l'un des services ci-dessous selon la région et la langue.",
                ],
            ),
            ("ref", "caritas-desendettement"),
            ("ref", "csp-budget-desendettement"),
        ),
    ),
    IntranetPage(
        "orienter-vers-aide-aux-victimes",
        "Orienter vers le service d'aide aux victimes",
        "Protection et urgences",
        (
            (
                "p",
                "Toute personne qui a subi une atteinte à son intégrité physique, psychique "
                "ou sexuelle peut être "
                "orientée, sans dépôt de plainte préalable. La consultation est confidentielle.",
            ),
            (
                "ol",
                [
                    (
                        "En cas de danger immédiat: appeler la police (117) ou l'ambulance (144) "
                        "d'abord."
                    ),
                    (
                        "Proposer à la personne d'appeler elle-même le service depuis le bureau; "
                        "rester disponible."
                    ),
                    (
                        "Si elle refuse, lui remettre les coordonnées par écrit sur un support "
                        "discret."
                    ),
                    (
                        "Ne pas noter de détails des violences dans le dossier social: écrire "
                        "seulement « orientation LAVI »."
                    ),
                ],
            ),
            (
                "p",
                (
                    "Pour les auteurs de violence conjugale, une autre consultation existe (voir "
                    "ci-dessous)."
                ),
            ),
            ("ref", "savi-aide-aux-victimes"),
            ("ref", "savc-auteurs-violence"),
        ),
    ),
    IntranetPage(
        "signalement-protection-adulte",
        "Signaler une situation à l'autorité de protection de l'adulte",
        "Protection et urgences",
        (
            (
                "p",
                "Un signalement est fait lorsqu'un adulte n'est plus en mesure de défendre "
                "ses intérêts et que l'aide "
                "volontaire ne suffit plus.",
            ),
            (
                "ul",
                [
                    (
                        "Rédiger un rapport factuel (formulaire F-40, fictif): faits observés, "
                        "dates, aide déjà proposée."
                    ),
                    "Informer la personne du signalement, sauf si cela la met en danger.",
                    (
                        "Le signalement est validé par la responsable d'équipe avant l'envoi "
                        "(règle interne fictive)."
                    ),
                ],
            ),
            ("ref", "apea-neuchatel"),
            ("ref", "office-protection-adulte"),
        ),
    ),
    IntranetPage(
        "protection-enfant",
        "Enfant en danger: que faire",
        "Protection et urgences",
        (
            (
                "p",
                (
                    "Toute inquiétude sérieuse pour un enfant est discutée le jour même avec la "
                    "responsable d'équipe."
                ),
            ),
            (
                "ol",
                [
                    "Danger immédiat: police (117).",
                    "Sinon: contacter l'office de protection de l'enfant pour un avis.",
                    "Consigner les observations datées, sans interprétation.",
                    "Ne pas mener d'entretien d'enquête avec l'enfant.",
                ],
            ),
            ("ref", "office-protection-enfant"),
        ),
    ),
    IntranetPage(
        "crise-psychique",
        "Personne en crise psychique",
        "Protection et urgences",
        (
            (
                "p",
                "Si la personne parle de suicide ou se met en danger: ne pas la laisser "
                "seule, appeler le 144 en cas "
                "d'urgence vitale. Pour un avis spécialisé, le centre d'urgences "
                "psychiatriques répond aux professionnels.",
            ),
            (
                "ul",
                [
                    "Rester calme, poser la question du suicide directement.",
                    "Retirer les moyens dangereux si possible.",
                    (
                        "Informer la responsable d'équipe et noter l'intervention (fiche "
                        "incident F-50, fictive)."
                    ),
                ],
            ),
            ("ref", "cnp-urgences-psychiatriques"),
            ("ref", "la-main-tendue-143"),
        ),
    ),
    IntranetPage(
        "hebergement-urgence",
        "Hébergement d'urgence et aide alimentaire",
        "Protection et urgences",
        (
            (
                "p",
                "Une personne sans toit pour la nuit est orientée vers l'hébergement "
                "d'urgence; pour l'aide "
                "alimentaire, un bon est remis par le service social (procédure fictive).",
            ),
            (
                "ul",
                [
                    "Vérifier si la personne a un lieu sûr pour la nuit.",
                    "Orienter vers l'accueil de nuit ci-dessous.",
                    (
                        "Pour la nourriture: remettre un bon de colis et l'adresse du point de "
                        "distribution."
                    ),
                ],
            ),
            ("ref", "sleep-in-neuchatel"),
            ("ref", "cartons-du-coeur-neuchatel"),
        ),
    ),
    IntranetPage(
        "chomage-orp",
        "Perte d'emploi: inscription et orientation",
        "Publics spécifiques",
        (
            (
                "p",
                "Rappeler à la personne de s'inscrire à l'ORP au plus tard le premier jour "
                "sans emploi, et de "
                "conserver ses recherches d'emploi des trois derniers mois.",
            ),
            (
                "ul",
                [
                    "contrat de travail et lettre de licenciement",
                    "certificats de travail",
                    "preuves des recherches d'emploi",
                    "pièce d'identité et numéro AVS",
                ],
            ),
            ("ref", "service-emploi"),
            ("ref", "caisse-chomage-ccnac"),
        ),
    ),
    IntranetPage(
        "detection-precoce-ai",
        "Atteinte à la santé: détection précoce AI",
        "Publics spécifiques",
        (
            (
                "p",
                "Après 30 jours d'incapacité de travail, ou lors d'absences répétées, une "
                "communication à l'AI "
                "peut être faite pour favoriser le maintien en emploi.",
            ),
            (
                "ul",
                [
                    "obtenir l'accord de la personne",
                    "réunir les certificats médicaux",
                    "noter l'employeur et le médecin traitant",
                    "utiliser le formulaire interne F-60 (fictif)",
                ],
            ),
            ("ref", "office-ai-neuchatel"),
        ),
    ),
    IntranetPage(
        "personnes-migrantes",
        "Personnes migrantes: permis, langues, interprètes",
        "Publics spécifiques",
        (
            (
                "p",
                "Les questions de permis relèvent du service des migrations; l'intégration "
                "et l'interprétariat "
                "communautaire du service de la cohésion multiculturelle.",
            ),
            (
                "ul",
                [
                    (
                        "Toujours vérifier le type de permis avant d'orienter vers une "
                        "prestation financière."
                    ),
                    (
                        "Réserver un interprète communautaire pour les entretiens importants "
                        "(réservation interne R-7, fictive)."
                    ),
                    (
                        "Pour les personnes requérantes d'asile, orienter vers la permanence "
                        "juridique spécialisée."
                    ),
                ],
            ),
            ("ref", "service-migrations"),
            ("ref", "cosm-cohesion-multiculturelle"),
            ("ref", "csp-permanence-juridique-asile"),
        ),
    ),
    IntranetPage(
        "addictions",
        "Orienter une personne concernée par une addiction",
        "Publics spécifiques",
        (
            (
                "p",
                (
                    "Proposer l'orientation sans condition d'abstinence. Les proches peuvent "
                    "aussi être reçus."
                ),
            ),
            (
                "ul",
                [
                    "Nommer le produit ou le comportement sans jugement.",
                    "Donner les coordonnées par écrit.",
                    (
                        "Proposer un deuxième rendez-vous social dans les deux semaines (règle "
                        "fictive)."
                    ),
                ],
            ),
            ("ref", "addiction-neuchatel"),
        ),
    ),
    IntranetPage(
        "seniors-proches-aidants",
        "Personnes âgées et proches aidants",
        "Publics spécifiques",
        (
            (
                "p",
                "Pour le maintien à domicile, un entretien d'orientation à domicile est "
                "proposé avant toute "
                "entrée en EMS. Les proches épuisés sont orientés vers les lignes de soutien.",
            ),
            ("ref", "aross"),
            ("ref", "pro-senectute-arc-jurassien"),
            ("ref", "proche-info-ne"),
        ),
    ),
)

BASIC_PAGES: tuple[IntranetPage, ...] = (
    IntranetPage(
        "conference-de-reseau",
        "Organiser une conférence de réseau",
        "Réseau",
        (
            (
                "p",
                (
                    "Une conférence de réseau réunit les professionnels qui suivent une même "
                    "personne, avec son accord."
                ),
            ),
            (
                "ol",
                [
                    "Obtenir le consentement écrit (formulaire F-03, fictif).",
                    "Désigner un professionnel coordinateur.",
                    "Envoyer l'invitation dix jours avant (délai fictif).",
                    "Rédiger un procès-verbal court, remis à la personne.",
                ],
            ),
        ),
    ),
    IntranetPage(
        "echange-informations",
        "Échange d'informations et secret de fonction",
        "Réseau",
        (
            (
                "p",
                "On ne transmet que les informations nécessaires, à un service qui en a "
                "besoin, avec l'accord de la "
                "personne. Sans accord, seule une situation de danger justifie une transmission.",
            ),
            (
                "ul",
                [
                    "Consentement daté et signé, limité à des services nommés.",
                    "Messagerie sécurisée pour tout document.",
                    "Pas de données de santé dans les courriels ordinaires.",
                ],
            ),
        ),
    ),
    IntranetPage(
        "interpretes-communautaires",
        "Travailler avec un interprète communautaire",
        "Réseau",
        (
            (
                "p",
                (
                    "L'interprète traduit tout ce qui est dit et respecte le secret. On parle à "
                    "la personne, pas à l'interprète."
                ),
            ),
            (
                "ul",
                [
                    "Réserver au moins trois jours ouvrables à l'avance (règle fictive).",
                    "Prévoir un temps double pour l'entretien.",
                    "Ne jamais demander à un enfant de traduire.",
                ],
            ),
            ("ref", "cosm-cohesion-multiculturelle"),
        ),
    ),
    IntranetPage(
        "transmission-de-dossier",
        "Transmettre un dossier lors d'un déménagement",
        "Réseau",
        (
            (
                "p",
                "Quand la personne change de commune, le GSR de départ transmet le dossier "
                "au GSR d'arrivée avec "
                "son accord; l'aide continue sans interruption jusqu'à la reprise (procédure "
                "fictive).",
            ),
            (
                "ol",
                [
                    "Vérifier la date officielle du changement de domicile.",
                    "Préparer le bordereau de transmission T-2 (fictif).",
                    "Informer la personne du nom du nouveau GSR.",
                ],
            ),
        ),
    ),
)
