"""What the service learns from its use, with personal data removed before anything is kept:
redaction, the answer recorder, the analytics store and the themes of unanswered questions."""
