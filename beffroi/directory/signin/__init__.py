"""How agents sign in to the web: django-allauth wired to Beffroi's rules.

allauth draws the pages and runs the flows (password, second factor, passkeys, external OIDC
provider, sessions); Beffroi keeps the decisions: passwords are checked by
``beffroi.directory.access.authenticate_password`` (throttled, audited), second-factor codes are
throttled the same way, every sign-in and second-factor change is written to the audit trail, and
``SignInRequirementsMiddleware`` holds an agent on the password-change or enrolment page until
the organisation's rules are met.
"""
