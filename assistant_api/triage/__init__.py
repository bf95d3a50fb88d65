"""What kind of question this is, before anything is retrieved: danger, scope, language.

Danger is checked first (the safety lexicon, then the emergency classifier), then scope (one
decision, :mod:`assistant_api.triage.scope`); the language detector says which templates to
answer with, the role recogniser (:mod:`assistant_api.triage.roles`) says who asks and for whom,
and the content guard keeps instructions hidden in crawled text out of answers.
"""
